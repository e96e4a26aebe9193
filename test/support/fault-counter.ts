// Counts, from the outside, what a fault-injecting paper broker did to each order send: the
// answer it gave, and — for a timeout — whether the order was executed anyway (a lost reply),
// told apart by the account's history orders with the send's comment before and after.
import { BrokerTimeoutError } from '../../brokers/errors.ts';
import type { BrokerPort, MarketOrderRequest, TradeResult } from '../../brokers/port.ts';
import { RETCODE } from '../../brokers/retcodes.ts';

export interface FaultTally {
  sends: number;
  /** Timed out before execution, answered as 10012 TIMEOUT / thrown as a transport error. */
  timeoutRetcode: number;
  timeoutThrown: number;
  /** Executed, but the caller saw a timeout (retcode or thrown). */
  lostReply: number;
  requote: number;
  /** Rejects by MT5 retcode name. */
  rejects: Record<string, number>;
  /** Modify/close requests that met a timeout or a reject (trailing stops, kill-switch closes). */
  otherRequestFaults: number;
}

export function newFaultTally(): FaultTally {
  return {
    sends: 0,
    timeoutRetcode: 0,
    timeoutThrown: 0,
    lostReply: 0,
    requote: 0,
    rejects: {},
    otherRequestFaults: 0,
  };
}

async function ordersWithComment(broker: BrokerPort, request: MarketOrderRequest): Promise<number> {
  const orders = await broker.historyOrders({ from: 0, to: Number.MAX_SAFE_INTEGER }, { magic: request.magic });
  return orders.filter((o) => o.comment === request.comment).length;
}

function isFault(result: TradeResult): boolean {
  return result.outcome === 'unknown' || result.outcome === 'rejected';
}

export function countingFaults(inner: BrokerPort, tally: FaultTally): BrokerPort {
  return {
    ...inner,
    async placeMarketOrder(request) {
      tally.sends++;
      const before = await ordersWithComment(inner, request);
      let result: TradeResult;
      try {
        result = await inner.placeMarketOrder(request);
      } catch (error) {
        if (!(error instanceof BrokerTimeoutError)) throw error;
        if ((await ordersWithComment(inner, request)) > before) tally.lostReply++;
        else tally.timeoutThrown++;
        throw error;
      }
      if (result.retcode === RETCODE.TIMEOUT) {
        if ((await ordersWithComment(inner, request)) > before) tally.lostReply++;
        else tally.timeoutRetcode++;
      } else if (result.retcode === RETCODE.REQUOTE) tally.requote++;
      else if (result.outcome === 'rejected')
        tally.rejects[result.retcodeName] = (tally.rejects[result.retcodeName] ?? 0) + 1;
      return result;
    },
    async modifyPosition(ticket, sl, tp) {
      try {
        const result = await inner.modifyPosition(ticket, sl, tp);
        if (isFault(result) && result.retcode !== RETCODE.NO_CHANGES) tally.otherRequestFaults++;
        return result;
      } catch (error) {
        tally.otherRequestFaults++;
        throw error;
      }
    },
    async closePosition(ticket, volume, comment) {
      try {
        const result = await inner.closePosition(ticket, volume, comment);
        if (isFault(result)) tally.otherRequestFaults++;
        return result;
      } catch (error) {
        tally.otherRequestFaults++;
        throw error;
      }
    },
  };
}
