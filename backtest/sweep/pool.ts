// Worker threads running a sweep's backtests in parallel over one set of bars. The bars go to each
// thread once, in shared memory; each task is one point, each answer that point's summary.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { BacktestSettings } from '../types.ts';
import { backtestWorker } from '../young-generation.ts';
import type { BarColumns } from '../../trading/bar-columns.ts';
import type { SweepPoint } from './point.ts';
import { sharedBarColumns } from './shared-bars.ts';
import type { PointOutcome } from './summary.ts';
import type { SweepReply, SweepTask, SweepWorkerData } from './worker-messages.ts';

// Node runs the .ts worker by type stripping, as it runs the rest of the engine.
const WORKER_URL = new URL('./sweep-worker.ts', import.meta.url);

export interface SweepPoolOptions {
  /** Worker threads; default os.availableParallelism(). */
  threads?: number;
  /** The cores the threads run on, when other work shares them (the worker's backtests). */
  share?: ThreadShare;
}

/**
 * Cores a pool shares with other work: between two points, while others wait for a core, the
 * pool hands one back and leaves one of its threads idle until it has the core again.
 */
export interface ThreadShare {
  /** Whether other work waits for a core this pool holds. */
  contended(): boolean;
  /** Gives a core to the work waiting longest; resolves once this pool has one again. */
  handBack(): Promise<void>;
}

export interface SweepRunHandlers {
  /** Each point's outcome as it arrives (completion order). */
  onOutcome?: (outcome: PointOutcome) => void;
  onProgress?: (pointsDone: number, pointsTotal: number) => void;
}

export interface SweepPool {
  readonly threads: number;
  /**
   * Backtests `base` with each point's values set; outcomes in point order. A point that fails
   * (invalid value, backtest error, dead thread) gets its error and the others still run.
   * One run at a time.
   */
  run(base: BacktestSettings, points: readonly SweepPoint[], handlers?: SweepRunHandlers): Promise<PointOutcome[]>;
  /** Ends the threads; points of a run still in progress fail with "closed". */
  close(): Promise<void>;
}

interface ActiveRun {
  base: BacktestSettings;
  points: readonly SweepPoint[];
  handlers: SweepRunHandlers;
  outcomes: (PointOutcome | undefined)[];
  next: number;
  done: number;
  resolve: (outcomes: PointOutcome[]) => void;
}

/** A pool that keeps its threads between runs (walk-forward folds, say) until `close()`. */
export function createSweepPool(bars: BarColumns, options: SweepPoolOptions = {}): SweepPool {
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const workerData: SweepWorkerData = { bars: sharedBarColumns(bars) };
  const idle: Worker[] = [];
  /** Thread → index of the point it runs. */
  const busy = new Map<Worker, number>();
  let active: ActiveRun | null = null;
  let closed = false;
  /** Cores handed to other work, not yet back: as many threads stay idle. */
  let handedBack = 0;

  function settle(outcome: PointOutcome): void {
    const run = active;
    if (run === null || run.outcomes[outcome.index] !== undefined) return;
    run.outcomes[outcome.index] = outcome;
    run.done++;
    run.handlers.onOutcome?.(outcome);
    run.handlers.onProgress?.(run.done, run.points.length);
    if (run.done < run.points.length) return;
    active = null;
    run.resolve(run.outcomes as PointOutcome[]);
  }

  function fail(index: number, error: string): void {
    const point = active?.points[index];
    if (point !== undefined) settle({ index, point, summary: null, error });
  }

  /** Stops tracking a thread that is going away; the index of the point it was running, if any. */
  function forget(worker: Worker): number | undefined {
    const index = busy.get(worker);
    busy.delete(worker);
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
    return index;
  }

  function lost(worker: Worker, why: string): void {
    const index = forget(worker);
    if (index !== undefined) fail(index, why);
    dispatch();
  }

  function startWorker(): void {
    const worker = backtestWorker(WORKER_URL, { workerData });
    worker.on('message', (reply: SweepReply) => {
      busy.delete(worker);
      idle.push(worker);
      const point = active?.points[reply.index];
      if (point !== undefined) settle({ ...reply, point });
      shareIfAsked();
      dispatch();
    });
    worker.on('messageerror', (error) => {
      const index = busy.get(worker);
      busy.delete(worker);
      idle.push(worker);
      if (index !== undefined) fail(index, `its result could not be read: ${error.message}`);
      dispatch();
    });
    // An uncaught error ends the thread ('exit' follows, by then forgotten); the pool starts another.
    worker.on('error', (error) => lost(worker, `worker thread failed: ${error.message}`));
    worker.on('exit', (code) => lost(worker, `worker thread exited with code ${code}`));
    idle.push(worker);
  }

  /** Between two points, a core handed to other work waiting for one; its thread idles till it is back. */
  function shareIfAsked(): void {
    const { share } = options;
    if (share === undefined || closed || active === null || active.next >= active.points.length) return;
    if (!share.contended()) return;
    handedBack++;
    share.handBack().then(
      () => {
        handedBack--;
        dispatch();
      },
      // Only an abort or the end of the work rejects it, and either closes this pool: nothing to run.
      () => undefined,
    );
  }

  /** Hands pending points to idle threads, starting threads as points need them (none after close). */
  function dispatch(): void {
    const run = active;
    if (run === null || closed) return;
    while (idle.length < run.points.length - run.next && idle.length + busy.size < threads) startWorker();
    while (idle.length > 0 && busy.size < threads - handedBack && run.next < run.points.length) {
      const worker = idle.pop()!;
      const index = run.next++;
      busy.set(worker, index);
      const task: SweepTask = { index, base: run.base, point: run.points[index]! };
      worker.postMessage(task);
    }
  }

  return {
    threads,
    async run(base, points, handlers = {}) {
      if (closed) throw new Error('the sweep pool is closed');
      if (active !== null) throw new Error('the sweep pool runs one sweep at a time');
      if (points.length === 0) return [];
      return new Promise<PointOutcome[]>((resolve) => {
        active = { base, points, handlers, outcomes: new Array(points.length), next: 0, done: 0, resolve };
        dispatch();
      });
    },
    async close() {
      closed = true;
      const workers = [...idle, ...busy.keys()];
      idle.length = 0;
      busy.clear();
      const run = active;
      run?.points.forEach((_, index) => fail(index, 'the sweep pool was closed'));
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/** Aborting ends a sweep early: its threads are ended and the run rejects with the signal's reason. */
export interface SweepAbortOption {
  signal?: AbortSignal;
}

/** Runs `work` on a pool of its own: threads started, the work done, the threads ended (at once on abort). */
export async function withSweepPool<T>(
  bars: BarColumns,
  options: SweepPoolOptions & SweepAbortOption,
  work: (pool: SweepPool) => Promise<T>,
): Promise<T> {
  options.signal?.throwIfAborted();
  const pool = createSweepPool(bars, options);
  // Closing fails the points still to run, so the work ends soon after; then the abort is what it says.
  const abort = () => void pool.close();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    const result = await work(pool);
    options.signal?.throwIfAborted();
    return result;
  } finally {
    options.signal?.removeEventListener('abort', abort);
    await pool.close();
  }
}

/** One sweep on a pool of its own. */
export function runSweep(
  bars: BarColumns,
  base: BacktestSettings,
  points: readonly SweepPoint[],
  options: SweepPoolOptions & SweepRunHandlers & SweepAbortOption = {},
): Promise<PointOutcome[]> {
  return withSweepPool(bars, options, (pool) => pool.run(base, points, options));
}
