// A broker whose order sends (opens and closes) meet faults scripted per clientOrderId, the key
// the engine sends as the comment: the first sends of a key take the script's faults in order,
// later sends go through untouched. Every send is counted per key, so a test can tell how often
// the engine called the broker from what the broker's own history holds.
import { BrokerTimeoutError, OrderLookupPendingError } from '../../brokers/errors.ts';
import type { BrokerPort, TradeResult } from '../../brokers/port.ts';
import { tradeResult } from '../../brokers/paper/validation.ts';
import { RETCODE } from '../../brokers/retcodes.ts';
import { startTestEngine, type TestEngine } from './engine.ts';

export type SendFault =
  /** Times out before the broker saw it: nothing is executed, the caller gets 10012. */
  | 'timeout'
  /** Executed at the broker, but the reply is lost: the caller gets 10012. */
  | 'lost_reply'
  /** As `timeout` and `lost_reply`, but the caller gets a thrown transport error. */
  | 'timeout_thrown'
  | 'lost_reply_thrown'
  /**
   * The caller gets a thrown transport error, and the request executes only when the test calls
   * deliverLate: one the adapter stopped waiting for, still on its way (MetaApi's SDK).
   */
  | 'late'
  /** As `late`, after the caller waited `waitedMs` on it (the engine's clock moves that far). */
  | { late: true; waitedMs: number }
  /** Executed, but answered 10008 PLACED (the deal comes later, as on an exchange). */
  | 'placed'
  /** As `placed`, and the broker's lookups do not see it yet (an MT5 order in flight is in no history). */
  | 'placed_in_flight'
  /** Refused outright with this retcode; nothing is executed. */
  | { reject: number }
  /** A close whose position is closed by hand just before it arrives: the broker answers it itself (10036). */
  | 'closed_by_hand_first';

export class ScriptedSends {
  /** The wrapped brokers' lateSendMs: their own unless given. */
  private readonly lateSendMs: number | undefined;
  /** Moves the engine's clock, for a send the caller waits on. */
  private readonly advanceClock: (ms: number) => void;
  private readonly late = new Map<string, () => Promise<TradeResult>>();
  private readonly pending = new Set<string>();
  private readonly scripts = new Map<string, SendFault[]>();
  private readonly counts = new Map<string, number>();
  private readonly inFlight = new Set<string>();
  private readonly rewritten = new Set<string>();

  constructor(options: { lateSendMs?: number; advanceClock?: (ms: number) => void } = {}) {
    this.lateSendMs = options.lateSendMs;
    this.advanceClock =
      options.advanceClock ??
      (() => {
        throw new Error('a send that takes time needs ScriptedSends({ advanceClock })');
      });
  }

  /** Executes the send of `clientOrderId` held back by a `late` fault, at the broker it was sent to. */
  async deliverLate(clientOrderId: string): Promise<TradeResult> {
    const execute = this.late.get(clientOrderId);
    if (!execute) throw new Error(`no late send of ${clientOrderId} is waiting`);
    this.late.delete(clientOrderId);
    return execute();
  }

  /** Lookups of `clientOrderId` answer "still in flight" (OrderLookupPendingError) until `pending` is false. */
  pendingLookup(clientOrderId: string, pending = true): void {
    if (pending) this.pending.add(clientOrderId);
    else this.pending.delete(clientOrderId);
  }

  /** The next sends carrying `clientOrderId` meet `faults`, one each, in order. */
  script(clientOrderId: string, ...faults: SendFault[]): void {
    this.scripts.set(clientOrderId, [...faults]);
  }

  /**
   * The broker rewrote `clientOrderId`'s comment: a lookup by comment alone misses it, one with a
   * hint (symbol, side, volume: what the adapters fall back on) finds it.
   */
  rewriteComment(clientOrderId: string): void {
    this.rewritten.add(clientOrderId);
  }

  /** How many sends carrying `clientOrderId` reached this broker wrapper. */
  sends(clientOrderId: string): number {
    return this.counts.get(clientOrderId) ?? 0;
  }

  private next(clientOrderId: string): SendFault | null {
    this.counts.set(clientOrderId, this.sends(clientOrderId) + 1);
    return this.scripts.get(clientOrderId)?.shift() ?? null;
  }

  /** Wraps an account's broker: pass as `wrapBroker` to startTestEngine. */
  wrap(inner: BrokerPort): BrokerPort {
    const send = async (
      comment: string,
      execute: () => Promise<TradeResult>,
      closeByHand?: () => Promise<TradeResult>,
    ): Promise<TradeResult> => {
      const fault = this.next(comment);
      if (fault === null) return execute();
      if (fault === 'closed_by_hand_first') {
        if (!closeByHand) throw new Error('closed_by_hand_first is a fault of closes');
        await closeByHand();
        return execute();
      }
      if (typeof fault === 'object' && 'late' in fault) {
        this.advanceClock(fault.waitedMs);
        this.late.set(comment, execute);
        throw new BrokerTimeoutError(`scripted late send (${comment}): no answer in ${fault.waitedMs} ms`);
      }
      if (typeof fault === 'object') return tradeResult(fault.reject, comment);
      if (fault === 'timeout') return tradeResult(RETCODE.TIMEOUT, comment);
      if (fault === 'timeout_thrown') throw new BrokerTimeoutError(`scripted timeout (${comment})`);
      if (fault === 'late') {
        this.late.set(comment, execute);
        throw new BrokerTimeoutError(`scripted late send (${comment}): still on its way`);
      }
      const result = await execute();
      if (result.outcome !== 'success')
        throw new Error(`scripted ${fault} needs an executed send: ${result.retcodeName}`);
      if (fault === 'placed_in_flight') this.inFlight.add(comment);
      if (fault === 'placed' || fault === 'placed_in_flight')
        return { ...tradeResult(RETCODE.PLACED, comment), order: result.order, volume: result.volume };
      if (fault === 'lost_reply_thrown') throw new BrokerTimeoutError(`scripted lost reply (${comment})`);
      return tradeResult(RETCODE.TIMEOUT, comment);
    };
    return {
      ...inner,
      findOrderByComment: async (magic, comment, since, hint) => {
        if (this.pending.has(comment)) throw new OrderLookupPendingError(`scripted: ${comment} is still in flight`);
        return this.inFlight.has(comment) || (this.rewritten.has(comment) && hint === undefined)
          ? null
          : inner.findOrderByComment(magic, comment, since, hint);
      },
      placeMarketOrder: (request) => send(request.comment, () => inner.placeMarketOrder(request)),
      lateSendMs: async () => this.lateSendMs ?? inner.lateSendMs(),
      closePosition: (ticket, volume, comment = '') =>
        send(
          comment,
          () => inner.closePosition(ticket, volume, comment),
          () => inner.closePosition(ticket, undefined, 'closed by hand'),
        ),
    };
  }
}

/** The clock of an engine whose sends follow a script: 30 s into a minute of feed seed 11. */
export const SCRIPTED_START = Date.UTC(2026, 10, 17, 9, 0, 30);

/**
 * A test engine whose brokers send as `sends` scripts; the test drives each step. Its clock stands
 * at SCRIPTED_START unless the test brings its own (starting there).
 */
export function startScriptedEngine(
  sends: ScriptedSends,
  now: () => number = () => SCRIPTED_START,
): Promise<TestEngine> {
  return startTestEngine({
    feedSeed: 11,
    now,
    schedulesTo: 'nowhere',
    wrapBroker: (broker) => sends.wrap(broker),
  });
}
