// Benchmark of the backtester (not a test): one year of M1 bars of the seeded synthetic gold, all
// four strategies with risk, sizing, fills, stops, trailing and the kill-switch, event by event on
// one core; beside it the ceiling (a bare typed-array EMA loop over the same closes), the process's
// memory, and a 100-point parameter sweep on 1 thread and on every core.
//   npm run bench:backtest [-- --days 365 --sweep-days 30 --json]
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

import { runBacktest } from '../backtest/run.ts';
import { sweepGrid } from '../backtest/sweep/grid.ts';
import { runSweep } from '../backtest/sweep/pool.ts';
import { sharedBarColumns } from '../backtest/sweep/shared-bars.ts';
import type { BacktestSettings, BarColumns } from '../backtest/types.ts';
import { createSyntheticFeed } from '../brokers/feeds/synthetic.ts';
import { paperInstruments } from '../brokers/paper/index.ts';
import { riskSettingsSchema } from '../trading/risk/index.ts';
import { emptyBarColumns, leadingBars, setBarAt } from '../trading/bar-columns.ts';
import { STRATEGY_NAMES, strategyParamsSchema } from '../trading/strategies/index.ts';

const DAY_MS = 86_400_000;
const SYMBOL = 'XAUUSDm';
const FROM = Date.UTC(2025, 0, 1);
/** Warm-up loaded before FROM: more than twice the default strategies' lookback (693 bars). */
const WARM_UP_MS = 2 * DAY_MS;

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '365' },
    'sweep-days': { type: 'string', default: '30' },
    json: { type: 'boolean', default: false },
  },
});
const days = Number(values.days);
const sweepDays = Number(values['sweep-days']);

/** The feed's bars, a day at a time into columns: the year never exists as 525,600 objects. */
function syntheticColumns(from: number, to: number): BarColumns {
  const feed = createSyntheticFeed({ seed: 42 });
  const columns = emptyBarColumns(Math.ceil((to - from) / 60_000));
  let count = 0;
  for (let day = from; day < to; day += DAY_MS) {
    for (const bar of feed.barsBetween(SYMBOL, day, Math.min(to, day + DAY_MS))) setBarAt(columns, count++, bar);
  }
  return leadingBars(columns, count);
}

/** The ceiling: one EMA over the closes in a bare loop, nothing else. */
function bareEma(closes: Float64Array): { barsPerSecond: number; last: number } {
  const weight = 2 / 21;
  const started = performance.now();
  let ema = closes[0]!;
  for (let i = 1; i < closes.length; i++) ema = closes[i]! * weight + ema * (1 - weight);
  return { barsPerSecond: closes.length / ((performance.now() - started) / 1000), last: ema };
}

function settings(from: number, to: number): BacktestSettings {
  const { commissionPerLot, ...instrument } = paperInstruments(100).find((spec) => spec.symbol === SYMBOL)!;
  return {
    symbol: SYMBOL,
    instrument,
    enabledStrategies: [...STRATEGY_NAMES],
    strategyParams: strategyParamsSchema.parse({}),
    riskSettings: riskSettingsSchema.parse({}),
    lookback: undefined,
    startingBalance: 10_000,
    accountMode: 'hedging',
    leverage: 100,
    costs: { spreadPoints: null, commissionPerLot, slippagePoints: 0, slippageJitterPoints: 0 },
    cycleDelaySeconds: 5,
    from,
    to,
    seed: 1,
  };
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const to = FROM + days * DAY_MS;
const bars = syntheticColumns(FROM - WARM_UP_MS, to + 60_000);
const rssBefore = process.memoryUsage().rss;
const result = runBacktest(bars, settings(FROM, to));
const rssAfter = process.memoryUsage().rss;
const backtestRate = result.bars / (result.elapsedMs / 1000);
const ceiling = bareEma(bars.close);

// The sweep: 100 points over pin_bar.maxBodyRatio × decisionMinScore on a shorter window.
const sweepTo = FROM + sweepDays * DAY_MS;
const sweepBars = sharedBarColumns(syntheticColumns(FROM - WARM_UP_MS, sweepTo + 60_000));
const sweepBase = settings(FROM, sweepTo);
const points = sweepGrid(['pin_bar.maxBodyRatio=0.15:0.60:0.05', 'risk.decisionMinScore=0.1:0.55:0.05'], sweepBase);
const sweepSeconds = async (threads: number) => {
  const started = performance.now();
  await runSweep(sweepBars, sweepBase, points, { threads });
  return (performance.now() - started) / 1000;
};
const cores = availableParallelism();
const oneThread = await sweepSeconds(1);
const allCores = await sweepSeconds(cores);

const report = {
  bars: result.bars,
  trades: result.overall.count,
  backtestSeconds: result.elapsedMs / 1000,
  barsPerSecond: Math.round(backtestRate),
  bareEmaBarsPerSecond: Math.round(ceiling.barsPerSecond),
  ceilingRatio: Number((ceiling.barsPerSecond / backtestRate).toFixed(1)),
  rssMb: { beforeRun: mb(rssBefore), afterRun: mb(rssAfter), peak: mb(process.resourceUsage().maxRSS * 1024) },
  sweep: {
    points: points.length,
    days: sweepDays,
    oneThreadSeconds: Number(oneThread.toFixed(2)),
    threads: cores,
    allCoresSeconds: Number(allCores.toFixed(2)),
    speedup: Number((oneThread / allCores).toFixed(2)),
  },
};

if (values.json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(`backtest: ${report.bars.toLocaleString('en-US')} bars (${days} days), ${report.trades} trades`);
  console.log(
    `  ${report.backtestSeconds.toFixed(2)} s = ${report.barsPerSecond.toLocaleString('en-US')} bars/s on one core`,
  );
  console.log(
    `  ceiling (bare EMA loop): ${report.bareEmaBarsPerSecond.toLocaleString('en-US')} bars/s, ${report.ceilingRatio}× the backtest`,
  );
  console.log(
    `  RSS: ${report.rssMb.beforeRun} MB before the run, ${report.rssMb.afterRun} MB after, peak ${report.rssMb.peak} MB`,
  );
  console.log(`sweep: ${report.sweep.points} points × ${sweepDays} days`);
  console.log(
    `  1 thread ${report.sweep.oneThreadSeconds} s, ${cores} threads ${report.sweep.allCoresSeconds} s: ${report.sweep.speedup}×`,
  );
}
