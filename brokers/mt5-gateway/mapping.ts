// Gateway replies onto the port's types. Tickets stay strings, times are already UTC epoch ms.
import type { Bar } from '../../trading/market.ts';
import type {
  AccountInfo,
  AccountMode,
  BrokerCharge,
  BrokerDeal,
  BrokerHistoryOrder,
  BrokerPosition,
  DealEntry,
  DealReason,
  Quote,
  Side,
  TradeResult,
} from '../port.ts';
import { outcomeOf } from '../retcodes.ts';
import { OrderStillPendingError } from './errors.ts';
import type {
  AccountReply,
  ChargeReply,
  DealReply,
  HistoryOrderReply,
  PositionReply,
  RateReply,
  TickReply,
  TradeReply,
} from './wire.ts';

const MINUTE_MS = 60_000;

/** ACCOUNT_MARGIN_MODE: 0 retail netting, 1 exchange (one position per symbol, so netting), 2 retail hedging. */
const ACCOUNT_MODES: Record<number, AccountMode> = { 0: 'netting', 1: 'netting', 2: 'hedging' };

/** ACCOUNT_TRADE_MODE: 0 demo, 1 contest, 2 real. */
const TRADE_MODES: Record<number, AccountInfo['tradeMode']> = { 0: 'demo', 1: 'contest', 2: 'real' };

export function accountInfo(reply: AccountReply): AccountInfo {
  const mode = ACCOUNT_MODES[reply.margin_mode];
  if (mode === undefined) throw new Error(`account ${reply.login}: unknown margin_mode ${reply.margin_mode}`);
  const tradeMode = TRADE_MODES[reply.trade_mode];
  if (tradeMode === undefined) throw new Error(`account ${reply.login}: unknown trade_mode ${reply.trade_mode}`);
  return {
    login: String(reply.login),
    currency: reply.currency,
    leverage: reply.leverage,
    mode,
    balance: reply.balance,
    equity: reply.equity,
    margin: reply.margin,
    freeMargin: reply.margin_free,
    tradeMode,
  };
}

export function quote(symbol: string, tick: TickReply): Quote {
  return { symbol, bid: tick.bid, ask: tick.ask, time: tick.time_msc };
}

/**
 * The gateway already leaves out the forming bar; the newest tick double-checks it: a bar whose
 * minute the newest tick is still in has not closed. When no tick has come yet in the current
 * minute the last bar is dropped too — one bar short for that minute rather than a partial bar.
 */
export function closedBars(rates: RateReply[], tick: TickReply): Bar[] {
  const formingMinute = Math.floor(tick.time_msc / MINUTE_MS) * MINUTE_MS;
  return rates
    .filter((rate) => rate.time_msc < formingMinute)
    .map((rate) => ({
      openTime: rate.time_msc,
      open: rate.open,
      high: rate.high,
      low: rate.low,
      close: rate.close,
      tickVolume: rate.tick_volume,
      spread: rate.spread,
    }));
}

/** MT5 stores "no SL/TP" as 0; the port says null. */
function level(value: number | null): number | null {
  return value === null || value === 0 ? null : value;
}

/**
 * The position's ticket is its identifier: the opening order's ticket, which deals carry as their
 * position id and which never changes (MT5's POSITION_TICKET can, on a server-side re-open).
 */
export function position(reply: PositionReply): BrokerPosition {
  return {
    ticket: reply.identifier,
    symbol: reply.symbol,
    side: reply.type,
    volume: reply.volume,
    priceOpen: reply.price_open,
    priceCurrent: reply.price_current,
    sl: level(reply.sl),
    tp: level(reply.tp),
    profit: reply.profit,
    swap: reply.swap,
    magic: reply.magic,
    comment: reply.comment,
    timeOpen: reply.time_msc,
  };
}

/** `out_by` (closed by an opposite position) is an exit like any other. */
const DEAL_ENTRIES: Record<DealReply['entry'], DealEntry> = { in: 'in', out: 'out', inout: 'inout', out_by: 'out' };

/**
 * The trader's terminal, phone and browser are all "client". Reasons that are the broker's own
 * operations (rollover, vmargin, split, corporate_action) are neither the trader nor a stop: they
 * read as `expert`, which the engine treats as an external change, never as a manual close.
 */
function dealReason(reason: string): DealReason {
  switch (reason) {
    case 'client':
    case 'mobile':
    case 'web':
      return 'client';
    case 'sl':
    case 'tp':
    case 'so':
    case 'expert':
      return reason;
    default:
      return 'expert';
  }
}

/** MT5 books some brokers' charges per deal as `fee`; the port's commission carries both. */
export function deal(reply: DealReply): BrokerDeal {
  return {
    ticket: reply.ticket,
    order: reply.order,
    positionId: reply.position_id,
    symbol: reply.symbol,
    side: reply.type,
    entry: DEAL_ENTRIES[reply.entry],
    reason: dealReason(reply.reason),
    volume: reply.volume,
    price: reply.price,
    commission: reply.commission + reply.fee,
    swap: reply.swap,
    profit: reply.profit,
    magic: reply.magic,
    comment: reply.comment,
    time: reply.time_msc,
  };
}

export function charge(reply: ChargeReply): BrokerCharge {
  return { ticket: reply.ticket, type: reply.type, amount: reply.amount, time: reply.time_msc };
}

/** Final history states; `started` and `placed` are an order still on its way (see historyOrder). */
const FINAL_STATES: Partial<Record<HistoryOrderReply['state'], BrokerHistoryOrder['state']>> = {
  filled: 'filled',
  partial: 'partially_filled',
  canceled: 'cancelled',
  expired: 'cancelled',
  rejected: 'rejected',
};

/** Market and pending orders of either direction; `close_by` orders have none. */
function orderSide(type: string): Side | null {
  if (type.startsWith('buy')) return 'buy';
  if (type.startsWith('sell')) return 'sell';
  return null;
}

/** A history order in a final state, or null for one still in `started`/`placed` or without a side. */
export function historyOrder(reply: HistoryOrderReply): BrokerHistoryOrder | null {
  const state = FINAL_STATES[reply.state];
  const side = orderSide(reply.type);
  if (state === undefined || side === null) return null;
  return {
    ticket: reply.ticket,
    symbol: reply.symbol,
    side,
    volume: reply.volume_initial,
    priceOpen: reply.price_open,
    state,
    positionId: reply.position_id,
    magic: reply.magic,
    comment: reply.comment,
    timeSetup: reply.time_setup_msc,
    timeDone: reply.time_done_msc,
  };
}

/** The order a lookup found; one the broker has not finished yet throws OrderStillPendingError. */
export function foundOrder(reply: HistoryOrderReply): BrokerHistoryOrder {
  if (FINAL_STATES[reply.state] === undefined) {
    throw new OrderStillPendingError(
      `order ${reply.ticket} (magic ${reply.magic}, comment "${reply.comment}") is ${reply.state} at the broker: not final yet, look again`,
    );
  }
  const order = historyOrder(reply);
  if (order === null)
    throw new Error(`the lookup found order ${reply.ticket} of type ${reply.type}: not a buy or a sell`);
  return order;
}

/**
 * The outcome class is the engine's own reading of the retcode, except that the gateway's
 * `unknown` always stands: only the gateway knows the reply was lost or timed out.
 */
export function tradeResult(reply: TradeReply): TradeResult {
  return {
    retcode: reply.retcode,
    retcodeName: reply.retcode_name,
    outcome: reply.outcome === 'unknown' ? 'unknown' : outcomeOf(reply.retcode),
    order: reply.order,
    deal: reply.deal,
    volume: reply.volume,
    price: reply.price,
    comment: reply.comment,
  };
}
