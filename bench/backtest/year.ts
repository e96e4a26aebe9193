// The backtest benchmark's year, in a process of its own so that its memory is the year's alone:
// the bars loaded as `scalper backtest --source synthetic` loads them, the run as a CLI run makes it
// (the first, its code not yet optimised by the JIT), the same run five times again (the code warm:
// the first of them, their median and their best), and a bare typed-array EMA loop over the same
// closes (the ceiling). Prints one JSON object.
//   node bench/backtest/year.ts <days>
const rssAtStart = process.memoryUsage().rss;
const { runBacktest } = await import('../../backtest/run.ts');
const { syntheticBacktestBars } = await import('../../bots/backtest-bars.ts');
const { benchSettings, DAY_MS, FROM, SEED, SYMBOL, WARM_UP_BARS } = await import('./settings.ts');

const days = Number(process.argv[2] ?? 365);
if (!(Number.isInteger(days) && days > 0))
  throw new Error(`days must be a positive whole number, not ${process.argv[2]}`);

/**
 * The ceiling: one EMA over the closes in a bare loop, nothing else; the best of five passes, as
 * one pass takes a few milliseconds and the timer's noise would otherwise decide the figure.
 */
function bareEma(closes: Float64Array): { barsPerSecond: number; last: number } {
  const weight = 2 / 21;
  let bestMs = Infinity;
  let ema = Number.NaN;
  for (let pass = 0; pass < 5; pass++) {
    const started = performance.now();
    ema = closes[0]!;
    for (let i = 1; i < closes.length; i++) ema = closes[i]! * weight + ema * (1 - weight);
    bestMs = Math.min(bestMs, performance.now() - started);
  }
  return { barsPerSecond: closes.length / (bestMs / 1000), last: ema };
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
/** Warm runs after the first: odd, so that the median is one of them. */
const WARM_RUNS = 5;
const to = FROM + days * DAY_MS;
const rssWithModules = process.memoryUsage().rss;
const bars = syntheticBacktestBars(SYMBOL, SEED, { from: FROM, to }, WARM_UP_BARS);
const rssWithBars = process.memoryUsage().rss;
const result = runBacktest(bars, benchSettings(FROM, to));
const rssAfterRun = process.memoryUsage().rss;
const peakAfterRun = process.resourceUsage().maxRSS * 1024;
const warmMs = Array.from({ length: WARM_RUNS }, () => runBacktest(bars, benchSettings(FROM, to)).elapsedMs);
const sortedWarmMs = [...warmMs].sort((a, b) => a - b);
const ceiling = bareEma(bars.close);

console.log(
  JSON.stringify({
    bars: result.bars,
    trades: result.overall.count,
    signals: result.signals,
    elapsedMs: result.elapsedMs,
    warmElapsedMs: warmMs[0],
    warmMedianMs: sortedWarmMs[Math.floor(WARM_RUNS / 2)],
    warmBestMs: sortedWarmMs[0],
    bareEmaBarsPerSecond: ceiling.barsPerSecond,
    rssMb: {
      atStart: mb(rssAtStart),
      withModules: mb(rssWithModules),
      withBars: mb(rssWithBars),
      afterRun: mb(rssAfterRun),
      peak: mb(peakAfterRun),
    },
  }),
);
