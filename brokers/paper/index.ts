// The paper broker: BrokerPort over a stored PaperState and a market data feed. Each call loads
// the account's state, first lets the market catch up (SL/TP hit since the last call, up to this
// millisecond of the forming minute), applies the request, and saves — one atomic step of the state store.
import type { InstrumentSpec } from '../../trading/market.ts';
import { BrokerTimeoutError } from '../errors.ts';
import type { MarketFeed } from '../feeds/feed.ts';
import type { BrokerPort, TradeResult } from '../port.ts';
import { RETCODE } from '../retcodes.ts';
import { type FaultOptions, nextFault } from './faults.ts';
import { PAPER_COMMISSION_PER_LOT, paperInstruments } from './instruments.ts';
import type { PaperMarket, SlippageOptions } from './market.ts';
import { alwaysOpen, type TradingSession } from './session.ts';
import { DEFAULT_ACCOUNT, newPaperState, type PaperAccountSettings, type PaperState } from './state.ts';
import type { PaperStateStore } from './store.ts';
import { settleStops } from './stop-settlement.ts';
import type { StopsPriority } from './stops.ts';
import { closePosition, modifyPosition, placeOrder } from './trade-requests.ts';
import { tradeResult } from './validation.ts';
import { accountInfo, positionViews } from './valuation.ts';

export interface Clock {
  now(): number;
}

export const wallClock: Clock = { now: () => Date.now() };

export interface PaperBrokerOptions {
  store: PaperStateStore;
  feed: MarketFeed;
  /** Defaults to wall-clock time; tests pass their own. */
  clock?: Clock;
  /** Seeds slippage jitter and fault rates. */
  seed?: number;
  /** The account created on first use (login paper-1, USD, 1:100, hedging, 10 000 by default). */
  account?: Partial<PaperAccountSettings>;
  /** Tradable symbols; XAUUSDm and EURUSDm with margin 1/leverage by default. Each reports `commissionPerLot`. */
  instruments?: Array<Omit<InstrumentSpec, 'commissionPerLot'>>;
  /** When trading is open; always by default (the synthetic feed runs 24/7). See `forexWeek`. */
  session?: TradingSession;
  slippage?: Partial<SlippageOptions>;
  /** Commission per lot per deal side, in account currency; 3.5 by default (raw-spread account). */
  commissionPerLot?: number;
  /** When SL and TP are both inside one bar: MT5's OHLC path (default) or SL first. */
  stopsPriority?: StopsPriority;
  faults?: FaultOptions;
  /** Each call waits this long before it is served (a venue's round trip); 0 by default. */
  latencyMs?: number;
}

export function createPaperBroker(options: PaperBrokerOptions): BrokerPort {
  const { store, feed } = options;
  const clock = options.clock ?? wallClock;
  const seed = options.seed ?? 1;
  const account: PaperAccountSettings = { ...DEFAULT_ACCOUNT, ...options.account };
  const commissionPerLot = options.commissionPerLot ?? PAPER_COMMISSION_PER_LOT;
  // The specs report the commission the fills book, so that sizing counts it.
  const instruments = (options.instruments ?? paperInstruments(account.leverage)).map((spec) => ({
    ...spec,
    commissionPerLot,
  }));
  const faults = options.faults ?? {};
  const market: PaperMarket = {
    feed,
    instruments: new Map(instruments.map((spec) => [spec.symbol, spec])),
    session: options.session ?? alwaysOpen,
    slippage: { points: 0, jitterPoints: 0, ...options.slippage },
    commissionPerLot,
    stopsPriority: options.stopsPriority ?? 'ohlc_path',
    seed,
  };
  const create = (): PaperState => newPaperState(account);

  const latencyMs = options.latencyMs ?? 0;

  const venueLatency = () => (latencyMs > 0 ? new Promise((resolve) => setTimeout(resolve, latencyMs)) : undefined);

  /** Stops settled up to `now` first: nothing looks at or acts on a position whose stop was hit. */
  const settledThen =
    <T>(now: number, operation: (state: PaperState, now: number) => T) =>
    (state: PaperState): T => {
      settleStops(state, market, now);
      return operation(state, now);
    };

  /** A change: under the account's lock, saved. */
  async function change<T>(operation: (state: PaperState, now: number) => T): Promise<T> {
    await venueLatency();
    const now = clock.now();
    return store.update(account.login, create, settledThen(now, operation));
  }

  /**
   * A read: on a snapshot, with no lock and nothing saved — unless settling stops closes a
   * position, which must be booked: then it runs again as a change.
   */
  async function read<T>(operation: (state: PaperState, now: number) => T): Promise<T> {
    await venueLatency();
    const now = clock.now();
    const snapshot = await store.snapshot(account.login, create, (state) =>
      settleStops(state, market, now) === 0 ? { answer: operation(state, now) } : null,
    );
    return snapshot !== null ? snapshot.answer : store.update(account.login, create, settledThen(now, operation));
  }

  async function trade(
    comment: string,
    operation: (state: PaperState, now: number) => TradeResult,
  ): Promise<TradeResult> {
    const outcome = await change((state, now) => {
      const fault = nextFault(state, faults, seed);
      if (fault === 'timeout') return { fault, result: null };
      if (fault === 'reject') return { fault, result: tradeResult(faults.rejectRetcode ?? RETCODE.REJECT, comment) };
      return { fault, result: operation(state, now) };
    });
    if (outcome.result === null || outcome.fault === 'lost_reply') {
      if (faults.timeoutAs === 'throw')
        throw new BrokerTimeoutError(`paper broker: trade request timed out (${comment})`);
      return tradeResult(RETCODE.TIMEOUT, comment);
    }
    return outcome.result;
  }

  function spec(symbol: string): InstrumentSpec {
    const instrument = market.instruments.get(symbol);
    if (instrument === undefined) throw new Error(`paper broker: unknown symbol ${symbol}`);
    return instrument;
  }

  const inRange = (time: number, range: { from: number; to: number }): boolean =>
    time >= range.from && time <= range.to;

  return {
    name: 'paper',
    symbols: async () => [...market.instruments.keys()],
    account: () => read((state, now) => accountInfo(state, market, now)),
    instrument: async (symbol) => spec(symbol),
    async quote(symbol) {
      spec(symbol);
      const quote = feed.quote(symbol, clock.now());
      if (quote === null) throw new Error(`paper broker: no quote for ${symbol}`);
      return quote;
    },
    async closedBars(symbol, count) {
      spec(symbol);
      return feed.closedBars(symbol, count, clock.now());
    },
    placeMarketOrder: (request) => trade(request.comment, (state, now) => placeOrder(state, market, request, now)),
    modifyPosition: (ticket, sl, tp) => trade('', (state, now) => modifyPosition(state, market, ticket, sl, tp, now)),
    closePosition: (ticket, volume, comment = '') =>
      trade(comment, (state, now) => closePosition(state, market, ticket, volume, comment, now)),
    positions: (filter = {}) =>
      read((state, now) =>
        positionViews(state, market, now).filter(
          (p) =>
            (filter.symbol === undefined || p.symbol === filter.symbol) &&
            (filter.magic === undefined || p.magic === filter.magic),
        ),
      ),
    deals: (range, filter = {}) =>
      read((state) =>
        state.deals
          .filter(
            (d) =>
              inRange(d.time, range) &&
              (filter.magic === undefined || d.magic === filter.magic) &&
              (filter.positionId === undefined || d.positionId === filter.positionId),
          )
          .sort((a, b) => a.time - b.time),
      ),
    // The paper account's only fees are each deal's commission: it books no charge of its own.
    charges: async () => [],
    historyOrders: (range, filter = {}) =>
      read((state) =>
        state.orders
          .filter((o) => inRange(o.timeSetup, range) && (filter.magic === undefined || o.magic === filter.magic))
          .sort((a, b) => a.timeSetup - b.timeSetup),
      ),
    findOrderByComment: (magic, comment, since) =>
      read(
        (state) =>
          state.orders.findLast((o) => o.magic === magic && o.comment === comment && o.timeSetup >= since) ?? null,
      ),
    // A send executes (or not) within its own call: a lost answer is never an order still coming.
    lateSendMs: async () => 0,
  };
}

export { createMemoryStateStore, type PaperStateStore } from './store.ts';
export { forexWeek, alwaysOpen, weeklySession, type TradingSession } from './session.ts';
export { paperInstruments } from './instruments.ts';
export type { FaultOptions } from './faults.ts';
