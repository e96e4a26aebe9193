// Backtests computed in worker threads, a few at a time. A backtest is pure CPU for seconds to
// minutes: on the activity's own thread it would stall every cycle of this worker and its own
// heartbeats. At most the cores but one compute at once, so cycles always keep a core; later
// backtests wait their turn (their activity keeps heartbeating meanwhile).
import { availableParallelism } from 'node:os';
import type { ThreadShare } from '../backtest/sweep/pool.ts';
import type { BacktestResult } from '../backtest/types.ts';
import { backtestWorker } from '../backtest/young-generation.ts';
import type { ComputeThreadCounts } from '../infra/metrics.ts';
import type { BarColumns } from '../trading/bar-columns.ts';
import type { BacktestThreadData, BacktestThreadMessage } from './backtest-thread-messages.ts';

// Node runs the .ts thread by type stripping, as it runs the rest of the engine.
const THREAD_URL = new URL('./backtest-thread.ts', import.meta.url);

/** The engine (or the report) threw: the same bars and settings would throw again. */
export class BacktestComputationError extends Error {
  override name = 'BacktestComputationError';
}

export interface ComputedBacktest {
  result: BacktestResult;
  reportHtml: string;
}

export interface ThreadRunOptions {
  onProgress(barsDone: number, barsTotal: number): void;
  /** Aborting ends the thread (the activity was cancelled, or the worker shuts down). */
  signal: AbortSignal;
}

const COMPUTE_THREADS = Math.max(1, availableParallelism() - 1);
let freeThreads = COMPUTE_THREADS;
const waiting: Array<() => void> = [];

/** What the compute threads are doing now, for the worker's metrics. */
export function computeThreadCounts(): ComputeThreadCounts {
  return { busy: COMPUTE_THREADS - freeThreads, free: freeThreads, waiting: waiting.length };
}

function takeThread(signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  if (freeThreads > 0) {
    freeThreads--;
    return Promise.resolve();
  }
  return new Promise((resolve, reject) => {
    const turn = () => {
      signal.removeEventListener('abort', leave);
      resolve();
    };
    const leave = () => {
      waiting.splice(waiting.indexOf(turn), 1);
      reject(signal.reason as Error);
    };
    waiting.push(turn);
    signal.addEventListener('abort', leave, { once: true });
  });
}

function giveThreadBack(): void {
  const next = waiting.shift();
  if (next) next();
  else freeThreads++;
}

/**
 * The compute threads a sweep holds, shared point by point: when other backtests wait for a
 * thread, the sweep hands one over between two points and queues for it again behind them, so a
 * one-off backtest waits for a point to finish rather than for the whole sweep.
 */
export class ComputeLease implements ThreadShare {
  /** The activity's signal, and the lease's end: a request still waiting then is withdrawn. */
  readonly #signal: AbortSignal;
  readonly #ended = new AbortController();
  /** Threads held now. */
  #held: number;
  /** This lease's own requests among those waiting. */
  #queued = 0;

  constructor(held: number, signal: AbortSignal) {
    this.#held = held;
    this.#signal = AbortSignal.any([signal, this.#ended.signal]);
  }

  contended(): boolean {
    return waiting.length > this.#queued && this.#held > 0;
  }

  async handBack(): Promise<void> {
    this.#held--;
    giveThreadBack();
    this.#queued++;
    try {
      await takeThread(this.#signal);
    } finally {
      this.#queued--;
    }
    this.#held++;
  }

  /** Gives back every thread held, and withdraws any request to get one back (handBack rejects). */
  release(): void {
    this.#ended.abort(new Error('the computation holding this lease ended'));
    for (; this.#held > 0; this.#held--) giveThreadBack();
  }
}

/**
 * Runs `work` on at least one of the compute threads and as many more of those free now as it
 * wants (a sweep spreads its points over them, handing them over between points while other
 * backtests wait); they are given back when it ends.
 */
export async function withComputeThreads<T>(
  wanted: number,
  signal: AbortSignal,
  work: (threads: number, lease: ComputeLease) => Promise<T>,
): Promise<T> {
  await takeThread(signal);
  const extra = Math.max(0, Math.min(freeThreads, wanted - 1));
  freeThreads -= extra;
  const lease = new ComputeLease(1 + extra, signal);
  try {
    return await work(1 + extra, lease);
  } finally {
    lease.release();
  }
}

const buffersOf = (bars: BarColumns): ArrayBuffer[] =>
  Object.values(bars).map((column: Float64Array) => column.buffer as ArrayBuffer);

function compute(data: BacktestThreadData, options: ThreadRunOptions): Promise<ComputedBacktest> {
  options.signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    // The bars are handed over, not copied: this side has no use for them any more.
    const thread = backtestWorker(THREAD_URL, { workerData: data, transferList: buffersOf(data.bars) });
    const abort = () => {
      reject(options.signal.reason as Error);
      void thread.terminate();
    };
    options.signal.addEventListener('abort', abort, { once: true });
    thread.on('message', (message: BacktestThreadMessage) => {
      if (message.type === 'progress') options.onProgress(message.barsDone, message.barsTotal);
      else resolve({ result: message.result, reportHtml: message.reportHtml });
    });
    thread.on('error', (error) => reject(new BacktestComputationError(error.message)));
    // After a result or an error this changes nothing; otherwise the thread died without a word.
    thread.on('exit', (code) => {
      options.signal.removeEventListener('abort', abort);
      reject(new BacktestComputationError(`the backtest thread exited (code ${code}) without a result`));
    });
  });
}

/** Runs the backtest in a thread of its own once one is free; the bars are moved into it. */
export async function computeInThread(data: BacktestThreadData, options: ThreadRunOptions): Promise<ComputedBacktest> {
  await takeThread(options.signal);
  try {
    return await compute(data, options);
  } finally {
    giveThreadBack();
  }
}
