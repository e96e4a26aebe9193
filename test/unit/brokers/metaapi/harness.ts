// A MetaApi broker over the fake connection, sharing its clock.
import { createMetaApiBroker, type MetaApiBrokerOptions } from '../../../../brokers/metaapi/index.ts';
import type { MarketOrderRequest } from '../../../../brokers/port.ts';
import { EURUSD, FakeMetaApiConnection, fakeConnect, XAUUSDM } from './fake-connection.ts';

/** Tuesday 10 March 2026 10:00:30 UTC: half-way through a minute. */
export const START = Date.UTC(2026, 2, 10, 10, 0, 30);
export const MINUTE_MS = 60_000;
export const MAGIC = 4242;

export function setup(options: Partial<MetaApiBrokerOptions> = {}) {
  const fake = new FakeMetaApiConnection(START).addSymbol(XAUUSDM).addSymbol(EURUSD);
  const { connect, settings } = fakeConnect(fake);
  const broker = createMetaApiBroker({
    name: 'demo-1',
    token: 'token-1',
    accountId: 'account-1',
    connect,
    now: () => fake.clock,
    dealLookup: { tries: 3, delayMs: 1 },
    ...options,
  });
  return { fake, broker, settings };
}

export function order(overrides: Partial<MarketOrderRequest> = {}): MarketOrderRequest {
  return {
    symbol: 'XAUUSDm',
    side: 'buy',
    volume: 0.1,
    price: overrides.side === 'sell' ? 2000 : 2000.2,
    sl: null,
    tp: null,
    deviationPoints: 10,
    magic: MAGIC,
    comment: 'se1-2s',
    ...overrides,
  };
}
