// How much of V8's heap a backtest's short-lived garbage (a decision's context, a quote, an order
// request) lives in before a scavenge: 24 MB (two 8 MB semi-spaces and their large-object space),
// half V8's default. A smaller young generation stays in the CPU's cache: measured over a year of
// M1 bars (npm run bench:backtest) a run is ~8 % faster and holds ~20 MB less RSS; 12 MB and
// below scavenge too often and are slower again. Threads that run backtests (sweeps, the API's
// runs) take it as a resource limit; the CLI's process, and the benchmark's, from the node flag
// `--max-semi-space-size=8` in package.json's scripts, which a test holds to this value.
export const BACKTEST_YOUNG_GENERATION_MB = 24;

/** The resource limits of a thread that runs backtests. */
export const BACKTEST_THREAD_LIMITS = { maxYoungGenerationSizeMb: BACKTEST_YOUNG_GENERATION_MB } as const;
