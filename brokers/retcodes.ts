// MT5 trade server return codes (MqlTradeResult.retcode) and how the engine must treat each one.
export type OutcomeClass = 'success' | 'retry_fresh_price' | 'rejected' | 'unknown';

interface RetcodeInfo {
  name: string;
  outcome: OutcomeClass;
}

const RETCODES: Record<number, RetcodeInfo> = {
  10004: { name: 'TRADE_RETCODE_REQUOTE', outcome: 'retry_fresh_price' },
  10006: { name: 'TRADE_RETCODE_REJECT', outcome: 'rejected' },
  10007: { name: 'TRADE_RETCODE_CANCEL', outcome: 'rejected' },
  10008: { name: 'TRADE_RETCODE_PLACED', outcome: 'success' },
  10009: { name: 'TRADE_RETCODE_DONE', outcome: 'success' },
  10010: { name: 'TRADE_RETCODE_DONE_PARTIAL', outcome: 'success' },
  10011: { name: 'TRADE_RETCODE_ERROR', outcome: 'rejected' },
  10012: { name: 'TRADE_RETCODE_TIMEOUT', outcome: 'unknown' },
  10013: { name: 'TRADE_RETCODE_INVALID', outcome: 'rejected' },
  10014: { name: 'TRADE_RETCODE_INVALID_VOLUME', outcome: 'rejected' },
  10015: { name: 'TRADE_RETCODE_INVALID_PRICE', outcome: 'rejected' },
  10016: { name: 'TRADE_RETCODE_INVALID_STOPS', outcome: 'rejected' },
  10017: { name: 'TRADE_RETCODE_TRADE_DISABLED', outcome: 'rejected' },
  10018: { name: 'TRADE_RETCODE_MARKET_CLOSED', outcome: 'rejected' },
  10019: { name: 'TRADE_RETCODE_NO_MONEY', outcome: 'rejected' },
  10020: { name: 'TRADE_RETCODE_PRICE_CHANGED', outcome: 'retry_fresh_price' },
  10021: { name: 'TRADE_RETCODE_PRICE_OFF', outcome: 'retry_fresh_price' },
  10022: { name: 'TRADE_RETCODE_INVALID_EXPIRATION', outcome: 'rejected' },
  10023: { name: 'TRADE_RETCODE_ORDER_CHANGED', outcome: 'rejected' },
  10024: { name: 'TRADE_RETCODE_TOO_MANY_REQUESTS', outcome: 'retry_fresh_price' },
  10025: { name: 'TRADE_RETCODE_NO_CHANGES', outcome: 'rejected' },
  10026: { name: 'TRADE_RETCODE_SERVER_DISABLES_AT', outcome: 'rejected' },
  10027: { name: 'TRADE_RETCODE_CLIENT_DISABLES_AT', outcome: 'rejected' },
  10028: { name: 'TRADE_RETCODE_LOCKED', outcome: 'rejected' },
  10029: { name: 'TRADE_RETCODE_FROZEN', outcome: 'rejected' },
  10030: { name: 'TRADE_RETCODE_INVALID_FILL', outcome: 'rejected' },
  10031: { name: 'TRADE_RETCODE_CONNECTION', outcome: 'unknown' },
  10032: { name: 'TRADE_RETCODE_ONLY_REAL', outcome: 'rejected' },
  10033: { name: 'TRADE_RETCODE_LIMIT_ORDERS', outcome: 'rejected' },
  10034: { name: 'TRADE_RETCODE_LIMIT_VOLUME', outcome: 'rejected' },
  10035: { name: 'TRADE_RETCODE_INVALID_ORDER', outcome: 'rejected' },
  10036: { name: 'TRADE_RETCODE_POSITION_CLOSED', outcome: 'rejected' },
  10038: { name: 'TRADE_RETCODE_INVALID_CLOSE_VOLUME', outcome: 'rejected' },
  10039: { name: 'TRADE_RETCODE_CLOSE_ORDER_EXIST', outcome: 'rejected' },
  10040: { name: 'TRADE_RETCODE_LIMIT_POSITIONS', outcome: 'rejected' },
  10041: { name: 'TRADE_RETCODE_REJECT_CANCEL', outcome: 'rejected' },
  10042: { name: 'TRADE_RETCODE_LONG_ONLY', outcome: 'rejected' },
  10043: { name: 'TRADE_RETCODE_SHORT_ONLY', outcome: 'rejected' },
  10044: { name: 'TRADE_RETCODE_CLOSE_ONLY', outcome: 'rejected' },
  10045: { name: 'TRADE_RETCODE_FIFO_CLOSE', outcome: 'rejected' },
};

export const RETCODE = {
  REQUOTE: 10004,
  PLACED: 10008,
  DONE: 10009,
  DONE_PARTIAL: 10010,
  TIMEOUT: 10012,
  INVALID: 10013,
  INVALID_VOLUME: 10014,
  INVALID_STOPS: 10016,
  MARKET_CLOSED: 10018,
  NO_MONEY: 10019,
  PRICE_OFF: 10021,
  NO_CHANGES: 10025,
  POSITION_CLOSED: 10036,
  INVALID_CLOSE_VOLUME: 10038,
  CONNECTION: 10031,
  REJECT: 10006,
} as const;

export function retcodeName(retcode: number): string {
  return RETCODES[retcode]?.name ?? `TRADE_RETCODE_UNKNOWN_${retcode}`;
}

/** Unlisted codes are treated as unknown outcomes: the order must be looked up before any resend. */
export function outcomeOf(retcode: number): OutcomeClass {
  return RETCODES[retcode]?.outcome ?? 'unknown';
}
