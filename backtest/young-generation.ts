// How much of V8's heap a backtest's short-lived garbage (a decision's context, a quote, an order
// request) lives in before a scavenge: 24 MB (two 8 MB semi-spaces and their large-object space),
// an eighth of what Node 24 gives a thread on a machine with this much memory (192 MB). A smaller
// young generation stays in the CPU's cache: measured over a year of M1 bars (npm run
// bench:backtest) a run is ~8 % faster warm and holds ~20 MB less RSS; 12 MB and below scavenge too
// often and are slower again. Threads that run backtests (sweeps, the API's runs) are started with
// it as a resource limit (backtestWorker); the CLI's process, and the benchmark's, take it from
// the node flag `--max-semi-space-size=8` in package.json's scripts, which a test holds to it.
import { Worker, type WorkerOptions } from 'node:worker_threads';

export const BACKTEST_YOUNG_GENERATION_MB = 24;

/** A worker thread that runs backtests: `new Worker` with the backtest's young generation. */
export function backtestWorker(script: URL | string, options: WorkerOptions): Worker {
  return new Worker(script, {
    ...options,
    resourceLimits: { ...options.resourceLimits, maxYoungGenerationSizeMb: BACKTEST_YOUNG_GENERATION_MB },
  });
}
