// MetaApi's shapes onto the port's. MetaApi already converts broker time to UTC `Date`s and keeps
// MT5's enum names (POSITION_TYPE_BUY, DEAL_ENTRY_IN…), so this is mostly renaming.
import type { Bar } from '../../trading/market.ts';
import {
  CHARGE_DEAL_TYPES,
  type AccountInfo,
  type BrokerCharge,
  type BrokerDeal,
  type BrokerHistoryOrder,
  type BrokerPosition,
  type DealEntry,
  type DealReason,
  type Quote,
  type Side,
} from '../port.ts';
import type {
  MetaApiAccountInformation,
  MetaApiCandle,
  MetaApiDeal,
  MetaApiOrder,
  MetaApiPosition,
  MetaApiSymbolPrice,
} from './sdk-types.ts';

/**
 * The engine's clientOrderId of a trade. It is sent as MetaApi's `clientId`, which MetaApi keeps
 * inside the MT5 comment and hands back apart as `clientId`; a plain `comment` is read too, for
 * trades whose comment held the id itself (or whose clientId the broker's rewrite lost).
 */
export function engineComment(item: { clientId?: string; comment?: string; brokerComment?: string }): string {
  return item.clientId || item.comment || item.brokerComment || '';
}

export function carriesComment(
  item: { clientId?: string; comment?: string; brokerComment?: string },
  comment: string,
): boolean {
  return item.clientId === comment || item.comment === comment || item.brokerComment === comment;
}

const TRADE_MODES: Record<string, AccountInfo['tradeMode']> = {
  ACCOUNT_TRADE_MODE_DEMO: 'demo',
  ACCOUNT_TRADE_MODE_CONTEST: 'contest',
  ACCOUNT_TRADE_MODE_REAL: 'real',
};

export function accountInfo(info: MetaApiAccountInformation): AccountInfo {
  if (info.platform !== 'mt5') throw new Error(`MetaApi account is ${info.platform}: only MetaTrader 5 is supported`);
  return {
    login: String(info.login),
    currency: info.currency,
    leverage: info.leverage,
    // Exchange accounts net like retail netting ones: one position per symbol.
    mode: info.marginMode === 'ACCOUNT_MARGIN_MODE_RETAIL_HEDGING' ? 'hedging' : 'netting',
    balance: info.balance,
    equity: info.equity,
    margin: info.margin,
    freeMargin: info.freeMargin,
    // An account type MetaApi does not name is taken for real money.
    tradeMode: TRADE_MODES[info.type] ?? 'real',
  };
}

export function quote(price: MetaApiSymbolPrice): Quote {
  return { symbol: price.symbol, bid: price.bid, ask: price.ask, time: price.time.getTime() };
}

/** MT5 reports "no SL/TP" as 0. */
function level(price: number | undefined): number | null {
  return price === undefined || price === 0 ? null : price;
}

export function position(p: MetaApiPosition): BrokerPosition {
  return {
    ticket: String(p.id),
    symbol: p.symbol,
    side: p.type === 'POSITION_TYPE_SELL' ? 'sell' : 'buy',
    volume: p.volume,
    priceOpen: p.openPrice,
    priceCurrent: p.currentPrice,
    sl: level(p.stopLoss),
    tp: level(p.takeProfit),
    // MetaApi's `profit` also counts closed parts with their swap and commission; the port's is the open part's.
    profit: p.unrealizedProfit ?? p.profit,
    swap: p.swap,
    magic: p.magic,
    comment: engineComment(p),
    timeOpen: p.time.getTime(),
  };
}

const DEAL_SIDES: Record<string, Side> = { DEAL_TYPE_BUY: 'buy', DEAL_TYPE_SELL: 'sell' };

/** A close-by is an exit like any other for the engine. */
const DEAL_ENTRIES: Record<string, DealEntry> = {
  DEAL_ENTRY_IN: 'in',
  DEAL_ENTRY_OUT: 'out',
  DEAL_ENTRY_INOUT: 'inout',
  DEAL_ENTRY_OUT_BY: 'out',
};

/**
 * The trader's terminal, phone and browser (and a deal that names no reason) are `client`. Any
 * other reason is the broker's own operation (rollover, variation margin, split, …): neither the
 * trader nor a stop, it reads as `expert`, an external change, never as a manual close — as the
 * gateway adapter reads it.
 */
const DEAL_REASONS: Record<string, DealReason> = {
  DEAL_REASON_CLIENT: 'client',
  DEAL_REASON_MOBILE: 'client',
  DEAL_REASON_WEB: 'client',
  DEAL_REASON_EXPERT: 'expert',
  DEAL_REASON_SL: 'sl',
  DEAL_REASON_TP: 'tp',
  DEAL_REASON_SO: 'so',
};

function dealReason(reason: string | undefined): DealReason {
  return reason === undefined ? 'client' : (DEAL_REASONS[reason] ?? 'expert');
}

/** A charge (BrokerCharge); null for a trading deal or a money movement that is not a charge. */
export function charge(d: MetaApiDeal): BrokerCharge | null {
  if (!CHARGE_DEAL_TYPES.includes(d.type)) return null;
  return {
    ticket: String(d.id),
    type: d.type,
    amount: d.profit + (d.commission ?? 0) + (d.swap ?? 0),
    time: d.time.getTime(),
  };
}

/** Trading deals only: balance, credit, commission and other money movements are left out (null). */
export function deal(d: MetaApiDeal): BrokerDeal | null {
  const side = DEAL_SIDES[d.type];
  if (side === undefined || d.symbol === undefined) return null;
  return {
    ticket: String(d.id),
    order: String(d.orderId ?? ''),
    positionId: String(d.positionId ?? ''),
    symbol: d.symbol,
    side,
    entry: DEAL_ENTRIES[d.entryType ?? ''] ?? 'in',
    reason: dealReason(d.reason),
    volume: d.volume ?? 0,
    price: d.price ?? 0,
    commission: d.commission ?? 0,
    swap: d.swap ?? 0,
    profit: d.profit,
    magic: d.magic ?? 0,
    comment: engineComment(d),
    time: d.time.getTime(),
  };
}

const ORDER_SIDES: Record<string, Side> = { ORDER_TYPE_BUY: 'buy', ORDER_TYPE_SELL: 'sell' };

/** Final states only; started, placed and requested orders are still in flight (null). */
const ORDER_STATES: Record<string, BrokerHistoryOrder['state']> = {
  ORDER_STATE_FILLED: 'filled',
  ORDER_STATE_PARTIAL: 'partially_filled',
  ORDER_STATE_REJECTED: 'rejected',
  ORDER_STATE_CANCELED: 'cancelled',
  ORDER_STATE_EXPIRED: 'cancelled',
};

/** Market orders only (the engine sends no other kind); pending, close-by and the rest are null. */
export function isMarketOrder(o: MetaApiOrder): boolean {
  return ORDER_SIDES[o.type] !== undefined;
}

export function isFinal(o: MetaApiOrder): boolean {
  return ORDER_STATES[o.state] !== undefined;
}

/** A final market order; null for any other. */
export function historyOrder(o: MetaApiOrder): BrokerHistoryOrder | null {
  const side = ORDER_SIDES[o.type];
  const state = ORDER_STATES[o.state];
  if (side === undefined || state === undefined) return null;
  return {
    ticket: String(o.id),
    symbol: o.symbol,
    side,
    volume: o.volume,
    priceOpen: o.openPrice,
    state,
    positionId: String(o.positionId ?? ''),
    magic: o.magic,
    comment: engineComment(o),
    timeSetup: o.time.getTime(),
    timeDone: (o.doneTime ?? o.time).getTime(),
  };
}

/** An open position stands for the filled market order that opened it (its id is that order's ticket). */
export function openingOrder(p: MetaApiPosition): BrokerHistoryOrder {
  return {
    ticket: String(p.id),
    symbol: p.symbol,
    side: p.type === 'POSITION_TYPE_SELL' ? 'sell' : 'buy',
    volume: p.volume,
    priceOpen: p.openPrice,
    state: 'filled',
    positionId: String(p.id),
    magic: p.magic,
    comment: engineComment(p),
    timeSetup: p.time.getTime(),
    timeDone: p.time.getTime(),
  };
}

export function bar(c: MetaApiCandle): Bar {
  return {
    openTime: c.time.getTime(),
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    tickVolume: c.tickVolume,
    spread: c.spread,
  };
}
