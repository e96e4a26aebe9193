// Benchmark of the backtester (not a test): one year of M1 bars of the seeded synthetic gold, all
// four strategies with risk, sizing, fills, stops, trailing and the kill-switch, event by event on
// one core, in a process of its own (bench/backtest/year.ts) that reports its memory; beside it
// the ceiling (a bare typed-array EMA loop over the same closes); then a 100-point parameter sweep
// of the same year on 1 thread and on every core.
//   npm run bench:backtest [-- --days 365 --sweep-days 365 --json]
import { execFile } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { parseArgs, promisify } from 'node:util';
import { sweepGrid } from '../backtest/sweep/grid.ts';
import { runSweep } from '../backtest/sweep/pool.ts';
import { sharedBarColumns } from '../backtest/sweep/shared-bars.ts';
import { syntheticBacktestBars } from '../bots/backtest-bars.ts';
import { benchSettings, DAY_MS, FROM, SEED, SYMBOL, WARM_UP_BARS } from './backtest/settings.ts';

const { values } = parseArgs({
  options: {
    days: { type: 'string', default: '365' },
    'sweep-days': { type: 'string', default: '365' },
    json: { type: 'boolean', default: false },
  },
});
const days = Number(values.days);
const sweepDays = Number(values['sweep-days']);
for (const [option, value] of [
  ['--days', days],
  ['--sweep-days', sweepDays],
] as const) {
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`${option} must be a positive whole number of days`);
}

interface YearRun {
  bars: number;
  trades: number;
  signals: number;
  elapsedMs: number;
  warmElapsedMs: number;
  warmMedianMs: number;
  warmBestMs: number;
  bareEmaBarsPerSecond: number;
  rssMb: { atStart: number; withModules: number; withBars: number; afterRun: number; peak: number };
}

// The same Node and flags as this process (npm's script sets them), so the year runs as a CLI run does.
const yearScript = new URL('./backtest/year.ts', import.meta.url).pathname;
const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, yearScript, String(days)]);
const year = JSON.parse(stdout) as YearRun;
const barsPerSecond = year.bars / (year.elapsedMs / 1000);
const perSecond = (ms: number) => Math.round(year.bars / (ms / 1000));

// The sweep: 100 points over pin_bar.maxBodyRatio × decisionMinScore.
const sweepTo = FROM + sweepDays * DAY_MS;
const sweepBars = sharedBarColumns(syntheticBacktestBars(SYMBOL, SEED, { from: FROM, to: sweepTo }, WARM_UP_BARS));
const sweepBase = benchSettings(FROM, sweepTo);
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
  bars: year.bars,
  trades: year.trades,
  signals: year.signals,
  backtestSeconds: Number((year.elapsedMs / 1000).toFixed(3)),
  barsPerSecond: Math.round(barsPerSecond),
  warmSeconds: Number((year.warmElapsedMs / 1000).toFixed(3)),
  warmBarsPerSecond: perSecond(year.warmElapsedMs),
  warmMedianBarsPerSecond: perSecond(year.warmMedianMs),
  warmBestBarsPerSecond: perSecond(year.warmBestMs),
  bareEmaBarsPerSecond: Math.round(year.bareEmaBarsPerSecond),
  ceilingRatio: Number((year.bareEmaBarsPerSecond / barsPerSecond).toFixed(1)),
  rssMb: { ...year.rssMb, yearOwn: year.rssMb.peak - year.rssMb.withModules },
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
  const { rssMb } = report;
  console.log(
    `backtest: ${report.bars.toLocaleString('en-US')} bars (${days} days), ${report.signals} signals, ${report.trades} trades`,
  );
  console.log(
    `  ${report.backtestSeconds.toFixed(2)} s = ${report.barsPerSecond.toLocaleString('en-US')} bars/s on one core (a CLI run); run again, its code warm: ${report.warmSeconds.toFixed(2)} s = ${report.warmBarsPerSecond.toLocaleString('en-US')} bars/s`,
  );
  console.log(
    `  five runs again: median ${report.warmMedianBarsPerSecond.toLocaleString('en-US')} bars/s, best ${report.warmBestBarsPerSecond.toLocaleString('en-US')} bars/s`,
  );
  console.log(
    `  ceiling (bare EMA loop): ${report.bareEmaBarsPerSecond.toLocaleString('en-US')} bars/s, ${report.ceilingRatio}× the backtest`,
  );
  console.log(
    `  RSS: Node ${rssMb.atStart} MB, with the engine's modules ${rssMb.withModules} MB, with the bars ${rssMb.withBars} MB, after the run ${rssMb.afterRun} MB; peak ${rssMb.peak} MB, of which the year's own (bars and run) ${rssMb.yearOwn} MB`,
  );
  console.log(`sweep: ${report.sweep.points} points × ${sweepDays} days`);
  console.log(
    `  1 thread ${report.sweep.oneThreadSeconds} s, ${cores} threads ${report.sweep.allCoresSeconds} s: ${report.sweep.speedup}×`,
  );
}
