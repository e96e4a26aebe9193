// The one broker port. MT5 semantics: prices and lots as numbers already rounded by the caller
// at this boundary, tickets and ids as strings, times as UTC epoch milliseconds.
import type { Bar, InstrumentSpec } from '../trading/market.ts';
import type { OutcomeClass } from './retcodes.ts';

export type Side = 'buy' | 'sell';
export type AccountMode = 'hedging' | 'netting';

export interface AccountInfo {
  login: string;
  currency: string;
  leverage: number;
  mode: AccountMode;
  balance: number;
  equity: number;
  margin: number;
  freeMargin: number;
  /** What the broker says the account is: demo and contest accounts move no real money. */
  tradeMode: 'demo' | 'contest' | 'real';
}

export interface Quote {
  symbol: string;
  bid: number;
  ask: number;
  time: number;
}

export interface MarketOrderRequest {
  symbol: string;
  side: Side;
  volume: number;
  /** Price the decision was made at; the broker fills at the current quote within `deviation`. */
  price: number;
  sl: number | null;
  tp: number | null;
  /** Allowed distance from `price`, in points, before the broker answers 10004 REQUOTE. */
  deviationPoints: number;
  magic: number;
  /** The engine's clientOrderId: it is how an order with a lost reply is found again. */
  comment: string;
}

export interface TradeResult {
  retcode: number;
  retcodeName: string;
  outcome: OutcomeClass;
  /** Broker order ticket; for a market order it is also the id of the position it opened. */
  order: string | null;
  deal: string | null;
  volume: number;
  price: number | null;
  comment: string;
}

export interface BrokerPosition {
  ticket: string;
  symbol: string;
  side: Side;
  volume: number;
  priceOpen: number;
  priceCurrent: number;
  sl: number | null;
  tp: number | null;
  profit: number;
  swap: number;
  magic: number;
  comment: string;
  timeOpen: number;
}

export type DealEntry = 'in' | 'out' | 'inout';
export type DealReason = 'client' | 'expert' | 'sl' | 'tp' | 'so';

export interface BrokerDeal {
  ticket: string;
  order: string;
  positionId: string;
  symbol: string;
  side: Side;
  entry: DealEntry;
  reason: DealReason;
  volume: number;
  price: number;
  commission: number;
  swap: number;
  profit: number;
  magic: number;
  comment: string;
  time: number;
}

/**
 * A money movement the broker books as a deal of its own rather than within a trade's deals: a
 * commission charged per day or month (or per trade, where the broker books it apart), a charge,
 * interest, a dividend, a tax (CHARGE_DEAL_TYPES). Deposits, withdrawals, credit, bonuses,
 * corrections and an agent's commissions are not charges.
 */
export interface BrokerCharge {
  ticket: string;
  /** Its MT5 deal type's name: DEAL_TYPE_COMMISSION_DAILY, DEAL_TYPE_CHARGE, DEAL_TAX… */
  type: string;
  /** What it did to the balance: negative for a fee. */
  amount: number;
  time: number;
}

/** The MT5 deal types that are charges (BrokerCharge), by name. */
export const CHARGE_DEAL_TYPES: readonly string[] = [
  'DEAL_TYPE_CHARGE',
  'DEAL_TYPE_COMMISSION',
  'DEAL_TYPE_COMMISSION_DAILY',
  'DEAL_TYPE_COMMISSION_MONTHLY',
  'DEAL_TYPE_INTEREST',
  'DEAL_DIVIDEND',
  'DEAL_DIVIDEND_FRANKED',
  'DEAL_TAX',
];

export interface BrokerHistoryOrder {
  ticket: string;
  symbol: string;
  side: Side;
  volume: number;
  priceOpen: number;
  state: 'filled' | 'partially_filled' | 'rejected' | 'cancelled';
  positionId: string;
  magic: number;
  comment: string;
  timeSetup: number;
  timeDone: number;
}

/** What the engine sent, for finding an order whose comment the broker overwrote. */
export interface OrderLookupHint {
  symbol: string;
  side: Side;
  volume: number;
}

export interface TimeRange {
  from: number;
  to: number;
}

export interface BrokerPort {
  readonly name: string;
  /** Every symbol the account offers, as the broker names them (suffixes included: `XAUUSDm`). */
  symbols(): Promise<string[]>;
  account(): Promise<AccountInfo>;
  instrument(symbol: string): Promise<InstrumentSpec>;
  quote(symbol: string): Promise<Quote>;
  /** The last `count` closed M1 bars, oldest first; the bar still forming is never included. */
  closedBars(symbol: string, count: number): Promise<Bar[]>;
  placeMarketOrder(request: MarketOrderRequest): Promise<TradeResult>;
  modifyPosition(ticket: string, sl: number | null, tp: number | null): Promise<TradeResult>;
  /** Closes the whole position, or `volume` lots of it. */
  closePosition(ticket: string, volume?: number, comment?: string): Promise<TradeResult>;
  positions(filter?: { symbol?: string; magic?: number }): Promise<BrokerPosition[]>;
  deals(range: TimeRange, filter?: { magic?: number; positionId?: string }): Promise<BrokerDeal[]>;
  historyOrders(range: TimeRange, filter?: { magic?: number }): Promise<BrokerHistoryOrder[]>;
  /** The account's charges (BrokerCharge) booked within `range`, oldest first. */
  charges(range: TimeRange): Promise<BrokerCharge[]>;
  /**
   * Finds an order the engine sent, by magic + comment, among history orders since `since`. With
   * `hint`, an adapter whose broker may rewrite comments also matches magic + symbol + side +
   * volume shortly after `since`; adapters that keep comments ignore it.
   */
  findOrderByComment(
    magic: number,
    comment: string,
    since: number,
    hint?: OrderLookupHint,
  ): Promise<BrokerHistoryOrder | null>;
  /**
   * How long after a send began the broker may still execute it when its answer was lost (ms): a
   * request the adapter gave up on may still be on its way. Until then a lookup that finds nothing
   * proves nothing, and the engine neither resends nor cancels the order. 0 when a send the adapter
   * gave up on can no longer start.
   */
  lateSendMs(): Promise<number>;
}
