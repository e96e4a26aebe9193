// BrokerPort over MetaApi (metaapi.cloud-sdk): one RPC connection per account, connected on first
// use — the SDK itself is imported only then (sdk-connect.ts) — and reused after. Reads map
// MetaApi's shapes (mapping.ts, instrument.ts); trades are in trades.ts, the lookup of a lost order
// in lookup.ts. Connecting is injectable: tests hand over a fake connection, never the SDK.
import type { BrokerPort } from '../port.ts';
import { type CandlePageReader, ClosedCandles } from './candles.ts';
import { allDeals, allHistoryOrders } from './history.ts';
import { type InstrumentOverrides, instrumentSpec, SPREAD_BASELINE_BARS } from './instrument.ts';
import { MetaApiOrderPendingError } from './errors.ts';
import { InFlightTrades } from './in-flight.ts';
import { findOrder } from './lookup.ts';
import { accountInfo, bar, charge, deal, historyOrder, position, quote } from './mapping.ts';
import { connectWithSdk } from './sdk-connect.ts';
import type { ConnectMetaApi, MetaApiSession } from './sdk-types.ts';
import { sessionKeeper } from './session.ts';
import { closePosition, DEFAULT_DEAL_LOOKUP, type DealLookup, modifyPosition, placeMarketOrder } from './trades.ts';

export interface MetaApiTimeouts {
  /** Reads; one that runs out fails and its activity retries it. */
  readMs: number;
  /** Trades; one that runs out throws BrokerTimeoutError (outcome unknown: the engine looks it up). */
  tradeMs: number;
  /** Connecting: the account deployed, the RPC connection open and synchronized with the terminal. */
  connectMs: number;
}

/** MetaApi relays every call through its cloud to the terminal: slower than a local gateway. */
export const DEFAULT_TIMEOUTS: MetaApiTimeouts = { readMs: 15_000, tradeMs: 30_000, connectMs: 120_000 };

/**
 * How long after the engine gave up on a trade's answer it may still execute: the SDK keeps a trade
 * it has sent for its request timeout (60 s) after the adapter's 30 s are up, and MetaApi's cloud
 * relays it to the terminal from there. Twice the SDK's timeout: an estimate, not a bound (the SDK
 * may first wait for a connection, with no limit), which the account's settings can raise.
 */
export const DEFAULT_LATE_SEND_MS = 120_000;

export interface MetaApiBrokerOptions {
  /** The engine's name for the account: the port's name and the subject of every error. */
  name: string;
  /** MetaApi API token (from the environment variable the account's settings name). */
  token: string;
  /** MetaApi's id of the MetaTrader account (not its login). */
  accountId: string;
  /** Region the account is deployed in (e.g. new-york, london, singapore); the SDK's default otherwise. */
  region?: string;
  /** What MT5 does not report, by symbol; see InstrumentOverrides for the defaults. */
  instruments?: Record<string, InstrumentOverrides>;
  timeouts?: Partial<MetaApiTimeouts>;
  /** Opens the session; the real SDK by default. */
  connect?: ConnectMetaApi;
  /** How hard a successful trade's deal is looked for; DEFAULT_DEAL_LOOKUP by default. */
  dealLookup?: DealLookup;
  /** The port's lateSendMs; DEFAULT_LATE_SEND_MS by default. */
  lateSendMs?: number;
  now?: () => number;
}

/** A page of candles through `session`: MetaApi loads `limit` backwards from `before`. */
function candlePages(session: MetaApiSession): CandlePageReader {
  return (symbol, before, limit) => session.account.getHistoricalCandles(symbol, '1m', before, limit);
}

export function createMetaApiBroker(options: MetaApiBrokerOptions): BrokerPort {
  const { name } = options;
  const timeouts: MetaApiTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const now = options.now ?? Date.now;
  const lateSendMs = options.lateSendMs ?? DEFAULT_LATE_SEND_MS;
  const connect = options.connect ?? connectWithSdk;
  const keeper = sessionKeeper(
    name,
    () =>
      connect({
        token: options.token,
        accountId: options.accountId,
        timeoutMs: timeouts.connectMs,
        ...(options.region === undefined ? {} : { region: options.region }),
      }),
    timeouts.connectMs,
  );
  const read = <T>(what: string, call: (session: MetaApiSession) => Promise<T>) =>
    keeper.use(what, timeouts.readMs, call);
  const inFlight = new InFlightTrades(now, lateSendMs);
  const context = {
    keeper,
    inFlight,
    readMs: timeouts.readMs,
    tradeMs: timeouts.tradeMs,
    dealLookup: options.dealLookup ?? DEFAULT_DEAL_LOOKUP,
    now,
  };
  const candles = new ClosedCandles();

  return {
    name,
    symbols: () => read('symbols', (s) => s.rpc.getSymbols()),
    account: () => read('account', async (s) => accountInfo(await s.rpc.getAccountInformation())),
    instrument: (symbol) =>
      read(`instrument ${symbol}`, async (s) => {
        const overrides = options.instruments?.[symbol] ?? {};
        const [spec, price] = await Promise.all([
          s.rpc.getSymbolSpecification(symbol),
          s.rpc.getSymbolPrice(symbol, true),
        ]);
        const [margin, recentBars] = await Promise.all([
          s.rpc.calculateMargin({ symbol, type: 'ORDER_TYPE_BUY', volume: 1, openPrice: price.ask }),
          overrides.maxSpreadPoints === undefined
            ? candles.read(candlePages(s), symbol, SPREAD_BASELINE_BARS, now())
            : [],
        ]);
        return instrumentSpec({ spec, price, marginPerLot: margin.margin ?? 0, recentBars }, overrides);
      }),
    quote: (symbol) => read(`quote ${symbol}`, async (s) => quote(await s.rpc.getSymbolPrice(symbol, true))),
    closedBars: (symbol, count) =>
      read(`bars ${symbol}`, async (s) => (await candles.read(candlePages(s), symbol, count, now())).map(bar)),
    placeMarketOrder: (request) => placeMarketOrder(context, request),
    modifyPosition: (ticket, sl, tp) => modifyPosition(context, ticket, sl, tp),
    closePosition: (ticket, volume, comment = '') => closePosition(context, ticket, volume, comment),
    positions: (filter = {}) =>
      read('positions', async (s) =>
        (await s.rpc.getPositions())
          .map(position)
          .filter(
            (p) =>
              (filter.symbol === undefined || p.symbol === filter.symbol) &&
              (filter.magic === undefined || p.magic === filter.magic),
          ),
      ),
    deals: (range, filter = {}) =>
      read('deals', async (s) =>
        (await allDeals(s.rpc, `metaapi ${name}: deals`, range))
          .flatMap((d) => deal(d) ?? [])
          .filter(
            (d) =>
              (filter.magic === undefined || d.magic === filter.magic) &&
              (filter.positionId === undefined || d.positionId === filter.positionId),
          )
          .sort((a, b) => a.time - b.time),
      ),
    charges: (range) =>
      read('charges', async (s) =>
        (await allDeals(s.rpc, `metaapi ${name}: charges`, range))
          .flatMap((d) => charge(d) ?? [])
          .sort((a, b) => a.time - b.time),
      ),
    historyOrders: (range, filter = {}) =>
      read('history orders', async (s) =>
        (await allHistoryOrders(s.rpc, `metaapi ${name}: history orders`, range))
          .flatMap((o) => historyOrder(o) ?? [])
          .filter((o) => filter.magic === undefined || o.magic === filter.magic)
          .sort((a, b) => a.timeSetup - b.timeSetup),
      ),
    findOrderByComment: (magic, comment, since, hint) =>
      inFlight.has(comment)
        ? Promise.reject(
            new MetaApiOrderPendingError(
              `metaapi ${name}: a trade carrying ${comment} still waits on MetaApi's answer: not final yet; ask again`,
            ),
          )
        : read(`lookup of ${comment}`, (s) => findOrder(s.rpc, now(), magic, comment, since, hint)),
    lateSendMs: async () => lateSendMs,
  };
}

export type { InstrumentOverrides } from './instrument.ts';
export type { ConnectMetaApi, MetaApiSession } from './sdk-types.ts';
export { MetaApiOrderPendingError, MetaApiSynchronizingError } from './errors.ts';
