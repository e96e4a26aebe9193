// Trades over MetaApi. The engine's clientOrderId travels as MetaApi's `clientId` (MetaApi stores it
// in the MT5 comment and hands it back on orders, deals and positions), with no comment beside it:
// MetaApi allows 26 characters for the two together. A TradeError is a broker answer and becomes a
// TradeResult (codes.ts); a timeout throws BrokerTimeoutError, like any failure with no answer,
// and the engine looks the order up by magic + comment before a resend.
import type { MarketOrderRequest, TradeResult } from '../port.ts';
import { RETCODE } from '../retcodes.ts';
import { tradeAnswer } from './codes.ts';
import { sdkTradeError } from './errors.ts';
import { allDeals } from './history.ts';
import type { InFlightTrades } from './in-flight.ts';
import { deal as portDeal } from './mapping.ts';
import type { MetaApiRpc, MetaApiTradeOptions, MetaApiTradeResponse } from './sdk-types.ts';
import type { SessionKeeper } from './session.ts';

/** MetaApi's limit for comment + clientId together. */
export const MAX_CLIENT_ID_LENGTH = 26;

export interface DealLookup {
  /** Reads of the deals after a successful trade before giving up on its deal and price. */
  tries: number;
  /** Pause between reads. */
  delayMs: number;
}

/** Three reads 300 ms apart: a fill's deal normally reaches MetaApi within a second. */
export const DEFAULT_DEAL_LOOKUP: DealLookup = { tries: 3, delayMs: 300 };

/** The deal is searched from a little before the trade, for clocks that disagree a little. */
const DEAL_SEARCH_BEFORE_MS = 5 * 60_000;
const DEAL_SEARCH_AFTER_MS = 60_000;

export interface TradeContext {
  keeper: SessionKeeper;
  /** Opens sent and not yet settled in the SDK, whether or not the adapter still waits for them. */
  inFlight: InFlightTrades;
  readMs: number;
  tradeMs: number;
  dealLookup: DealLookup;
  now: () => number;
}

/** An answer that executed nothing. */
function answered(comment: string, retcode: number, stringCode?: string): TradeResult {
  return { ...tradeAnswer(retcode, stringCode), order: null, deal: null, volume: 0, price: null, comment };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The deal a successful trade made, found by its order among the deals around now. Trade replies
 * carry neither deal nor price; when the deal does not show up within the lookup's tries (or the
 * history is still synchronizing) the success stands with `deal: null, price: null`, and reconcile
 * records the fill from the deals later. A failed read here never turns a success into a failure.
 */
async function dealOf(context: TradeContext, order: string) {
  for (let attempt = 1; attempt <= context.dealLookup.tries; attempt++) {
    if (attempt > 1) await pause(context.dealLookup.delayMs);
    const now = context.now();
    const range = { from: now - DEAL_SEARCH_BEFORE_MS, to: now + DEAL_SEARCH_AFTER_MS };
    try {
      const deals = await context.keeper.use('deal of a trade', context.readMs, (s) =>
        allDeals(s.rpc, 'deal of a trade', range),
      );
      const found = deals.find((d) => String(d.orderId) === order);
      const mapped = found ? portDeal(found) : null;
      if (mapped) return mapped;
    } catch {
      // Not known yet: the next try, or reconcile, finds it.
    }
  }
  return null;
}

/**
 * Sends one trade and maps its answer. `volume` is what was asked for: the deal's volume replaces
 * it when the deal is found. `withDeal` is false for trades that make no deal (SL/TP changes).
 */
async function trade(
  context: TradeContext,
  what: string,
  comment: string,
  volume: number,
  withDeal: boolean,
  send: (rpc: MetaApiRpc) => Promise<MetaApiTradeResponse>,
): Promise<TradeResult> {
  let response: MetaApiTradeResponse;
  try {
    response = await context.keeper.use(what, context.tradeMs, (s) => send(s.rpc));
  } catch (error) {
    const refused = sdkTradeError(error);
    // No answer at all (timeouts are BrokerTimeoutError by now): the outcome is the engine's to find out.
    if (refused === null) throw error;
    return answered(comment, refused.numericCode, refused.stringCode);
  }
  const order = response.orderId === undefined ? null : String(response.orderId);
  const result: TradeResult = {
    ...tradeAnswer(Number(response.numericCode), response.stringCode),
    order,
    deal: null,
    volume,
    price: null,
    comment,
  };
  if (result.outcome !== 'success' || !withDeal || order === null) return result;
  const filled = await dealOf(context, order);
  return filled ? { ...result, deal: filled.ticket, price: filled.price, volume: filled.volume } : result;
}

/** Trade options carrying the engine's id; none when there is no id to carry. */
function tagged(clientOrderId: string, fields: MetaApiTradeOptions): MetaApiTradeOptions {
  return clientOrderId === '' ? fields : { ...fields, clientId: clientOrderId };
}

/** An id MetaApi cannot hold whole would be cut, and the order never found again: refused unsent. */
function tooLong(clientOrderId: string): boolean {
  return clientOrderId.length > MAX_CLIENT_ID_LENGTH;
}

export function placeMarketOrder(context: TradeContext, request: MarketOrderRequest): Promise<TradeResult> {
  if (tooLong(request.comment)) return Promise.resolve(answered(request.comment, RETCODE.INVALID));
  const options = tagged(request.comment, { magic: request.magic, slippage: request.deviationPoints });
  const sl = request.sl ?? undefined;
  const tp = request.tp ?? undefined;
  return trade(
    context,
    `${request.side} ${request.volume} ${request.symbol}`,
    request.comment,
    request.volume,
    true,
    // Tracked until the SDK settles it: a late open doubles the position. A close is not: one sent
    // again finds its position gone (10036), and holding it would only keep a position open.
    (rpc) =>
      context.inFlight.track(
        request.comment,
        request.side === 'buy'
          ? rpc.createMarketBuyOrder(request.symbol, request.volume, sl, tp, options)
          : rpc.createMarketSellOrder(request.symbol, request.volume, sl, tp, options),
      ),
  );
}

/** A null level is sent as absent: MT5 sets SL and TP together, and an absent one is none. */
export function modifyPosition(
  context: TradeContext,
  ticket: string,
  sl: number | null,
  tp: number | null,
): Promise<TradeResult> {
  return trade(context, `modify ${ticket}`, '', 0, false, (rpc) =>
    rpc.modifyPosition(ticket, sl ?? undefined, tp ?? undefined),
  );
}

/**
 * The close carries the position's own magic: MetaApi would otherwise stamp the account's default
 * magic on the closing deal, and the bot's reconcile (which reads its deals by magic) would miss it.
 * A position that is not open answers 10036 POSITION_CLOSED without a request.
 */
export async function closePosition(
  context: TradeContext,
  ticket: string,
  volume: number | undefined,
  comment: string,
): Promise<TradeResult> {
  if (tooLong(comment)) return answered(comment, RETCODE.INVALID);
  const positions = await context.keeper.use(`position ${ticket}`, context.readMs, (s) => s.rpc.getPositions());
  const open = positions.find((p) => String(p.id) === ticket);
  if (!open) return answered(comment, RETCODE.POSITION_CLOSED);
  const options = tagged(comment, { magic: open.magic });
  return trade(context, `close ${ticket}`, comment, volume ?? open.volume, true, (rpc) =>
    volume === undefined ? rpc.closePosition(ticket, options) : rpc.closePositionPartially(ticket, volume, options),
  );
}
