// A broker that ends its own process (SIGKILL, as `kill -9` would) at one point of an order's
// life, or stalls inside the send: the exactly-once tests run a worker with it as a child process.
import type { BrokerPort } from '../../brokers/port.ts';

export const CRASH_POINTS = [
  /** The Order row is committed as `sent`; the request never leaves the worker. */
  'before_send',
  /** The broker has executed the order; its reply never reaches the activity. */
  'after_execute',
  /** placeOrders has completed; the process dies when reconcile reads the deals. */
  'before_reconcile',
  /** The send hangs past the activity's timeout, then reaches the broker: a retry overlaps it. */
  'stall_in_send',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

export interface CrashHooks {
  /** Announces the point on stdout, so the test can tell a planned death from any other. */
  announce(point: CrashPoint): void;
  /** Announces that a stalled send has had its answer from the broker. */
  resumed(point: CrashPoint): void;
  /** How long a stalled send waits before it goes on to the broker. */
  stallMs: number;
}

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL sent to self');
}

/** Wraps a broker so the first order send of this process hits `point`. */
export function crashingBroker(inner: BrokerPort, point: CrashPoint, hooks: CrashHooks): BrokerPort {
  let sent = false;
  let fired = false;
  const fire = (): boolean => {
    if (fired) return false;
    fired = true;
    hooks.announce(point);
    return true;
  };
  return {
    ...inner,
    async placeMarketOrder(request) {
      if (point === 'before_send' && fire()) die();
      if (point === 'stall_in_send' && fire()) {
        await new Promise((resolve) => setTimeout(resolve, hooks.stallMs));
        const late = await inner.placeMarketOrder(request);
        hooks.resumed(point);
        return late;
      }
      const result = await inner.placeMarketOrder(request);
      sent = true;
      if (point === 'after_execute' && fire()) die();
      return result;
    },
    async deals(range, filter) {
      if (point === 'before_reconcile' && sent && fire()) die();
      return inner.deals(range, filter);
    },
  };
}
