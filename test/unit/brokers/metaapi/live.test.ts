// Opt-in: the MetaApi adapter over the real SDK against a real MetaApi account (demo only). Runs
// when METAAPI_TOKEN and METAAPI_ACCOUNT_ID are set; reads the account, a symbol's spec, its quote
// and its bars. Trades only with METAAPI_LIVE_TRADE=1, on a demo account: the symbol's smallest
// buy, then its close. METAAPI_SYMBOL (default EURUSD) and METAAPI_REGION are optional.
// Without the variables it prints one line saying so and skips.
import { createMetaApiBroker } from '../../../../brokers/metaapi/index.ts';
import { connectWithSdk } from '../../../../brokers/metaapi/sdk-connect.ts';
import type { MetaApiSession } from '../../../../brokers/metaapi/sdk-types.ts';
import type { BrokerPort } from '../../../../brokers/port.ts';

const token = process.env.METAAPI_TOKEN ?? '';
const accountId = process.env.METAAPI_ACCOUNT_ID ?? '';
const symbol = process.env.METAAPI_SYMBOL ?? 'EURUSD';
const region = process.env.METAAPI_REGION;
const trade = process.env.METAAPI_LIVE_TRADE === '1';
const missing = [token === '' && 'METAAPI_TOKEN', accountId === '' && 'METAAPI_ACCOUNT_ID'].filter(Boolean);

/** Deploying an account and synchronizing its terminal takes a while; MetaApi relays every call. */
const LIVE_TIMEOUT_MS = 180_000;
const MAGIC = 990_011;
const MINUTE_MS = 60_000;

if (missing.length > 0) {
  process.stdout.write(
    `metaapi live test skipped: ${missing.join(' and ')} not set (set both to run it against a MetaApi demo account)\n`,
  );
}

const describeLive = missing.length === 0 ? describe : describe.skip;

describeLive('metaapi adapter, live (MetaApi demo account)', () => {
  const sessions: MetaApiSession[] = [];
  let broker: BrokerPort;

  beforeAll(() => {
    broker = createMetaApiBroker({
      name: 'live',
      token,
      accountId,
      ...(region === undefined ? {} : { region }),
      connect: async (settings) => {
        const session = await connectWithSdk(settings);
        sessions.push(session);
        return session;
      },
    });
  });

  afterAll(async () => {
    for (const session of sessions) await session.close?.();
  });

  it(
    'reads the account',
    async () => {
      const account = await broker.account();
      process.stdout.write(
        `metaapi live: account ${account.login} ${account.tradeMode} ${account.mode} ${account.currency} 1:${account.leverage}\n`,
      );
      expect(account.login).toMatch(/^\d+$/);
      expect(['demo', 'contest', 'real']).toContain(account.tradeMode);
      expect(account.leverage).toBeGreaterThan(0);
      expect(Number.isFinite(account.balance)).toBe(true);
    },
    LIVE_TIMEOUT_MS,
  );

  it(
    `lists the symbols, ${symbol} among them, and reads its spec`,
    async () => {
      expect(await broker.symbols()).toContain(symbol);
      const spec = await broker.instrument(symbol);
      expect(spec.symbol).toBe(symbol);
      expect(spec.point).toBeGreaterThan(0);
      expect(spec.tickValue).toBeGreaterThan(0);
      expect(spec.volumeMin).toBeGreaterThan(0);
      expect(spec.volumeStep).toBeGreaterThan(0);
      expect(spec.fillingModes.length).toBeGreaterThan(0);
      expect(spec.maxSpreadPoints).toBeGreaterThanOrEqual(1);
    },
    LIVE_TIMEOUT_MS,
  );

  it(
    `quotes ${symbol}`,
    async () => {
      const quote = await broker.quote(symbol);
      expect(quote.symbol).toBe(symbol);
      expect(quote.ask).toBeGreaterThanOrEqual(quote.bid);
      expect(quote.time).toBeGreaterThan(Date.UTC(2020, 0, 1));
    },
    LIVE_TIMEOUT_MS,
  );

  it(
    `reads closed M1 bars of ${symbol}, oldest first, the forming one left out`,
    async () => {
      const bars = await broker.closedBars(symbol, 30);
      expect(bars.length).toBeGreaterThan(0);
      expect(bars.length).toBeLessThanOrEqual(30);
      const forming = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
      for (const [i, bar] of bars.entries()) {
        expect(bar.openTime % MINUTE_MS).toBe(0);
        expect(bar.openTime).toBeLessThan(forming);
        if (i > 0) expect(bar.openTime).toBeGreaterThan(bars[i - 1]!.openTime);
        expect(bar.high).toBeGreaterThanOrEqual(bar.low);
      }
    },
    LIVE_TIMEOUT_MS,
  );

  (trade ? it : it.skip)(
    `buys the smallest ${symbol} volume and closes it (METAAPI_LIVE_TRADE=1, demo accounts only)`,
    async () => {
      const account = await broker.account();
      if (account.tradeMode !== 'demo')
        throw new Error(`refusing to trade: account ${account.login} is ${account.tradeMode}, not demo`);
      const spec = await broker.instrument(symbol);
      const quote = await broker.quote(symbol);
      const since = Date.now() - MINUTE_MS;
      const clientOrderId = `live-${Date.now().toString(36)}`;
      const opened = await broker.placeMarketOrder({
        symbol,
        side: 'buy',
        volume: spec.volumeMin,
        price: quote.ask,
        sl: null,
        tp: null,
        deviationPoints: 50,
        magic: MAGIC,
        comment: clientOrderId,
      });
      process.stdout.write(`metaapi live: buy ${JSON.stringify(opened)}\n`);
      expect(opened.outcome).toBe('success');
      expect(opened.order).not.toBeNull();
      const ticket = opened.order!;
      try {
        const found = await broker.findOrderByComment(MAGIC, clientOrderId, since);
        expect(found).toMatchObject({ ticket, side: 'buy', magic: MAGIC });
        const positions = await broker.positions({ symbol, magic: MAGIC });
        expect(positions.map((p) => p.ticket)).toContain(ticket);
      } finally {
        const closed = await broker.closePosition(ticket, undefined, `${clientOrderId}x`);
        process.stdout.write(`metaapi live: close ${JSON.stringify(closed)}\n`);
        expect(closed.outcome).toBe('success');
      }
      const deals = await broker.deals({ from: since, to: Date.now() + MINUTE_MS }, { positionId: ticket });
      expect(deals.map((d) => d.entry)).toEqual(expect.arrayContaining(['in', 'out']));
    },
    LIVE_TIMEOUT_MS,
  );
});
