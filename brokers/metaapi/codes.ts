// What a MetaApi trade answer means to the engine. MT5 retcodes (10004…10045) keep the engine's
// shared table (brokers/retcodes.ts); MetaApi adds its own codes, listed in its trade-response
// model (https://metaapi.cloud/docs/client/models/metatraderTradeResponse/) and mapped here one by
// one. A code in neither table is `unknown` — the engine looks the order up before any resend —
// and never a success.
import type { OutcomeClass } from '../retcodes.ts';
import { outcomeOf, RETCODE, retcodeName } from '../retcodes.ts';

interface MetaApiCode {
  name: string;
  outcome: OutcomeClass;
}

/** MT5's first trade-server retcode; MetaApi's own codes are below it (negative, or 0 and 47xx). */
const FIRST_MT5_RETCODE = 10000;

/** MT5 `ERR_TRADE_POSITION_NOT_FOUND`: MetaApi answers it when the position to close or modify is gone. */
export const POSITION_NOT_FOUND = 4753;

export const METAAPI_CODES: Readonly<Record<number, MetaApiCode>> = {
  /** ERR_NO_ERROR: MetaApi's success answer for MT4; listed so that it is never read as unknown. */
  0: { name: 'METAAPI_NO_ERROR', outcome: 'success' },
  /** TRADE_RETCODE_UNKNOWN: MetaApi could not tell what the terminal answered. */
  [-1]: { name: 'METAAPI_UNKNOWN_RETCODE', outcome: 'unknown' },
  [-4]: { name: 'METAAPI_ORDER_TYPE_NOT_SUPPORTED', outcome: 'rejected' },
  /** ERR_NOT_SYNCHRONIZED: refused by MetaApi's server before it reached the terminal; a resend is safe. */
  [-5]: { name: 'METAAPI_NOT_SYNCHRONIZED', outcome: 'retry_fresh_price' },
  /** ERR_NO_QUOTES: MetaApi had no quote to trade at — MT5's 10021 PRICE_OFF by another name. */
  [-6]: { name: 'METAAPI_NO_QUOTES', outcome: 'retry_fresh_price' },
  /** ERR_TRADE_TIMED_OUT: the trade may have executed. */
  [-7]: { name: 'METAAPI_TRADE_TIMED_OUT', outcome: 'unknown' },
  [-8]: { name: 'METAAPI_INVESTOR_PASSWORD', outcome: 'rejected' },
  [-9]: { name: 'METAAPI_PIP_SIZE_NOT_DEFINED', outcome: 'rejected' },
  /** TRADE_RETCODE_DISCONNECTED_BEFORE_TRADE: the terminal never passed it to the trade server. */
  [-10]: { name: 'METAAPI_NOT_DELIVERED', outcome: 'retry_fresh_price' },
  /** TRADE_RETCODE_DISCONNECTED_DURING_TRADE: delivered, then the connection dropped; result unknown. */
  [-11]: { name: 'METAAPI_DISCONNECTED_DURING_TRADE', outcome: 'unknown' },
  4754: { name: 'ERR_TRADE_ORDER_NOT_FOUND', outcome: 'rejected' },
};

export interface TradeAnswer {
  retcode: number;
  retcodeName: string;
  outcome: OutcomeClass;
}

/**
 * `stringCode` names a code neither table knows. A position that is not found is the port's 10036
 * POSITION_CLOSED, so that closing a position its SL/TP already closed reads the same on every broker.
 */
export function tradeAnswer(numericCode: number, stringCode?: string): TradeAnswer {
  const retcode = numericCode === POSITION_NOT_FOUND ? RETCODE.POSITION_CLOSED : numericCode;
  const own = METAAPI_CODES[retcode];
  if (own) return { retcode, retcodeName: own.name, outcome: own.outcome };
  if (retcode >= FIRST_MT5_RETCODE) {
    const name = retcodeName(retcode);
    const known = !name.startsWith('TRADE_RETCODE_UNKNOWN_');
    return { retcode, retcodeName: known ? name : stringCode || name, outcome: outcomeOf(retcode) };
  }
  // An empty string code names nothing: the numeric code does.
  return { retcode, retcodeName: stringCode || `METAAPI_CODE_${retcode}`, outcome: 'unknown' };
}
