// The paper account's whole state: one JSON document, so it can be stored as one row and
// every operation is "load, apply, save" in one transaction.
import type { AccountMode, BrokerDeal, BrokerHistoryOrder, Side } from '../port.ts';

export interface PaperPosition {
  /** = the ticket of the order that opened it (MT5 position identifier). */
  ticket: string;
  symbol: string;
  side: Side;
  volume: number;
  priceOpen: number;
  sl: number | null;
  tp: number | null;
  magic: number;
  comment: string;
  timeOpen: number;
  /** SL/TP have been checked against the feed's quotes up to and including this millisecond. */
  checkedUntil: number;
}

export interface PaperState {
  login: string;
  currency: string;
  leverage: number;
  mode: AccountMode;
  /** Integer cents: the balance only ever changes by whole-cent deal amounts. */
  balanceCents: number;
  /** Orders and deals share one ticket sequence, so every ticket is unique. */
  nextTicket: number;
  positions: PaperPosition[];
  deals: BrokerDeal[];
  orders: BrokerHistoryOrder[];
  /** How many seeded draws (slippage, fault rates) have been taken: a restart continues the stream. */
  draws: number;
  /** How many trade requests have arrived: indexes the scripted faults. */
  tradeRequests: number;
}

export interface PaperAccountSettings {
  login: string;
  currency: string;
  leverage: number;
  mode: AccountMode;
  balance: number;
}

export const DEFAULT_ACCOUNT: PaperAccountSettings = {
  login: 'paper-1',
  currency: 'USD',
  leverage: 100,
  mode: 'hedging',
  balance: 10_000,
};

export function newPaperState(account: PaperAccountSettings): PaperState {
  return {
    login: account.login,
    currency: account.currency,
    leverage: account.leverage,
    mode: account.mode,
    balanceCents: Math.round(account.balance * 100),
    nextTicket: 1_000_001,
    positions: [],
    deals: [],
    orders: [],
    draws: 0,
    tradeRequests: 0,
  };
}

export function takeTicket(state: PaperState): string {
  const ticket = state.nextTicket;
  state.nextTicket += 1;
  return String(ticket);
}
