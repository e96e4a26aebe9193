// `scalper backtest`: a bot's strategies replayed over M1 bars in this process, with its stats on
// the terminal and its report, result, trades and equity curve in a directory; or a parameter
// sweep over worker threads, ranked, optionally walked forward. Bad input exits 2, writing nothing.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatCount } from '../backtest/report/format.ts';
import { backtestReportJson } from '../backtest/report/json.ts';
import { runBacktest } from '../backtest/run.ts';
import { describePoint } from '../backtest/sweep/point.ts';
import { sweepCsv } from '../backtest/sweep/ranking.ts';
import { RANK_METRICS } from '../backtest/sweep/rank.ts';
import type { BacktestResult } from '../backtest/types.ts';
import { DEFAULT_BACKTEST_SEED, DEFAULT_CYCLE_DELAY_SECONDS } from '../bots/backtest-request.ts';
import { PAPER_COMMISSION_PER_LOT } from '../brokers/paper/instruments.ts';
import { STRATEGY_NAMES } from '../trading/strategies/index.ts';
import { outputDirectory, writeBacktestFiles } from './backtest-files.ts';
import {
  OPTION_DEFAULTS,
  parseBacktestOptions,
  type BacktestOptions,
  type RawBacktestOptions,
  type SweepOptions,
} from './backtest-options.ts';
import { planBacktest, type BacktestPlan } from './backtest-plan.ts';
import { backtestSummary } from './backtest-summary.ts';
import { runRankedSweep, sweepTable } from './backtest-sweep.ts';
import { overfittingLine, walkForwardWithProgress, walkForwardCsv, walkForwardTable } from './backtest-walk-forward.ts';
import type { DatabaseConnection } from './database-connection.ts';
import { SERVER_CLOCK_HELP } from './options.ts';
import { createProgressBar, type ProgressStream } from './progress-bar.ts';

type Print = (line: string) => void;

interface Output {
  /** The result: the tables, or the JSON with --json. */
  print: Print;
  /** Where files went and how long it took: stderr with --json, so stdout stays one JSON document. */
  note: Print;
  progress: ProgressStream;
  /** How long reading the settings and loading the bars took. */
  loadedMs: number;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const seconds = (ms: number): string => (ms / 1000).toFixed(2);

/** The result without its trades and equity curve, which are in the files. */
function summaryOf({
  trades: _trades,
  equity: _equity,
  ...summary
}: BacktestResult): Omit<BacktestResult, 'trades' | 'equity'> {
  return summary;
}

async function single(plan: BacktestPlan, options: BacktestOptions, dir: string, out: Output): Promise<void> {
  const { settings, bars } = plan;
  const progress = createProgressBar(out.progress, { label: settings.symbol, unit: 'bars' });
  let result: BacktestResult;
  try {
    result = runBacktest(bars.columns, settings, (done, total) => progress.update(done, total));
  } finally {
    progress.finish();
  }
  const paths = await writeBacktestFiles(dir, result, bars.columns, settings);
  if (options.json) {
    out.print(JSON.stringify(summaryOf(JSON.parse(backtestReportJson(result)) as BacktestResult), null, 2));
  } else {
    const about = { barsFrom: bars.description, settingsFrom: plan.settingsOrigin };
    for (const line of backtestSummary(result, settings, about)) out.print(line);
    out.print('');
  }
  for (const path of paths) out.note(`wrote ${path}`);
  const rate = result.bars / (result.elapsedMs / 1000);
  out.note(
    `backtested ${formatCount(result.bars)} bars in ${seconds(result.elapsedMs)} s (${formatCount(rate)} bars/s); loading them took ${seconds(out.loadedMs)} s`,
  );
}

/** The sweep's runs: its grid, its threads, a progress bar counting points. */
function sweepRuns(plan: BacktestPlan, sweepOptions: SweepOptions, out: Output) {
  const progress = createProgressBar(out.progress, { label: `${plan.settings.symbol} sweep`, unit: 'points' });
  return {
    points: plan.points ?? [],
    started: performance.now(),
    options: { metric: sweepOptions.rankBy, threads: sweepOptions.threads, progress },
  };
}

async function sweep(plan: BacktestPlan, sweepOptions: SweepOptions, json: boolean, dir: string, out: Output) {
  const { settings, bars } = plan;
  const { points, started, options } = sweepRuns(plan, sweepOptions, out);
  const paths = Object.keys(points[0] ?? {});
  const ranking = await runRankedSweep(bars.columns, settings, points, options);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'sweep.csv'), sweepCsv(ranking, paths));
  if (json) out.print(JSON.stringify(ranking, null, 2));
  else {
    const shown = Math.min(sweepOptions.top, ranking.ranked.length);
    out.print(`${settings.symbol} sweep: ${points.length} points, best ${shown} by ${sweepOptions.rankBy}`);
    for (const line of sweepTable(ranking, paths, sweepOptions.top)) out.print(line);
    const [firstFailure] = ranking.failed;
    if (firstFailure !== undefined)
      out.print(
        `${ranking.failed.length} points failed, e.g. ${describePoint(firstFailure.point)}: ${firstFailure.error}`,
      );
    out.print('');
  }
  out.note(`wrote ${join(dir, 'sweep.csv')}`);
  const elapsed = seconds(performance.now() - started);
  out.note(
    `swept ${points.length} points × ${formatCount(bars.traded)} bars in ${elapsed} s; loading them took ${seconds(out.loadedMs)} s`,
  );
  // A sweep none of whose points ran has no result: say so in the exit code too.
  if (ranking.ranked.length === 0) process.exitCode = 1;
}

async function walkForward(plan: BacktestPlan, sweepOptions: SweepOptions, json: boolean, dir: string, out: Output) {
  const { settings, bars } = plan;
  const { points, started, options } = sweepRuns(plan, sweepOptions, out);
  const report = await walkForwardWithProgress(bars.columns, settings, { points, folds: plan.folds ?? [] }, options);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'walk-forward.csv'), walkForwardCsv(report));
  if (json) out.print(JSON.stringify(report, null, 2));
  else {
    out.print(
      `${settings.symbol} walk-forward: ${report.folds.length} folds × ${points.length} points, ranked by ${report.metric}`,
    );
    for (const line of [...walkForwardTable(report), '', overfittingLine(report), '']) out.print(line);
  }
  out.note(`wrote ${join(dir, 'walk-forward.csv')}`);
  const elapsed = seconds(performance.now() - started);
  out.note(`walked forward in ${elapsed} s; loading the bars took ${seconds(out.loadedMs)} s`);
}

export function addBacktestCommand(
  program: Command,
  connect: () => Promise<DatabaseConnection>,
  print: Print,
  stderr: ProgressStream,
): void {
  program
    .command('backtest')
    .description("Backtest a bot's strategies over M1 bars: stats, HTML report, trades and equity CSV (or --sweep)")
    .option('--symbol <symbol>', 'symbol, e.g. XAUUSDm (default with --bot: its symbol)')
    .option('--from <date>', 'first day (YYYY-MM-DD) or an ISO date-time, UTC (default: 30 days before --to)')
    .option('--to <date>', 'last day tested (YYYY-MM-DD), or an exclusive ISO date-time, UTC (default: yesterday)')
    .option('--source <source>', 'synthetic, database (bars from `scalper import-bars`) or csv (default: synthetic)')
    .option('--csv <file>', 'an MT5 bar export to test on (implies --source csv)')
    .option('--utc-offset <minutes>', "the CSV's broker server time minus UTC, in minutes (default: 0)")
    .option('--server-clock <zone[±hours]>', `the CSV's: ${SERVER_CLOCK_HELP}`)
    .option(
      '--seed <n>',
      `seeds the synthetic feed and the slippage jitter (default: ${DEFAULT_BACKTEST_SEED}, the paper feed's)`,
    )
    .option('--bot <id>', "a bot's strategies, parameters, risk settings, lookback, bar-close delay and account")
    .option('--strategies <list>', `comma-separated, of ${STRATEGY_NAMES.join(', ')}`)
    .option('--param <strategy.key=value>', 'a strategy parameter, e.g. pin_bar.maxBodyRatio=0.3 (repeatable)', collect)
    .option('--risk <key=value>', 'a risk setting, e.g. riskPerTradePct=1 (repeatable)', collect)
    .option('--settings <file>', "a bot's settings as JSON, as `scalper show` prints them; the flags above win")
    .option(
      '--lookback <bars>',
      "fewest closed bars in the strategies' window, up to twice as many (raised to the strategies' warm-up)",
    )
    .option('--balance <amount>', `starting balance (default: ${OPTION_DEFAULTS.balance})`)
    .option('--account-mode <mode>', `hedging or netting (default: ${OPTION_DEFAULTS.accountMode})`)
    .option('--leverage <n>', `account leverage, 1:n (default: ${OPTION_DEFAULTS.leverage})`)
    .option('--spread <points>', "spread on every bar (default: each bar's own)")
    .option(
      '--commission <amount>',
      `per lot per side (default: the instrument's; paper ${PAPER_COMMISSION_PER_LOT.toFixed(2)})`,
    )
    .option('--slippage <points>', `adverse slippage on every fill (default: ${OPTION_DEFAULTS.slippage})`)
    .option(
      '--slippage-jitter <points>',
      `extra adverse slippage, seeded, of 0 to this on every fill (default: ${OPTION_DEFAULTS.slippageJitter})`,
    )
    .option(
      '--stops <priority>',
      `a bar reaching both SL and TP: ohlc_path fills the one MT5's OHLC path reaches first, sl_first the SL, a worst case (default: ${OPTION_DEFAULTS.stops})`,
    )
    .option(
      '--cycle-delay <seconds>',
      `cycles as a bar-aligned bot's, this long after each bar closes (default: the bot's schedule, else ${DEFAULT_CYCLE_DELAY_SECONDS})`,
    )
    .option(
      '--cycle-interval <seconds>',
      "cycles as an interval bot's, every this many seconds (a bot's scheduleIntervalSeconds)",
    )
    .option(
      '--cycle-offset <ms>',
      "with --cycle-interval: ms past each multiple of the interval since 1970 (default: the bot's phase, else 0)",
    )
    .option('--out <dir>', 'where the files go (default: backtests/<symbol>-<from>-<to>/)')
    .option('--json', 'print the summary as JSON instead of tables')
    .option(
      '--sweep <path=from:to:step>',
      'sweep a setting: pin_bar.maxBodyRatio=0.25:0.40:0.05, risk.riskPerTradePct=0.5,1 (repeatable)',
      collect,
    )
    .option(
      '--rank-by <metric>',
      `rank sweep points by ${RANK_METRICS.join(', ')} (default: ${OPTION_DEFAULTS.rankBy})`,
    )
    .option('--top <n>', `sweep points shown (default: ${OPTION_DEFAULTS.top})`)
    .option('--threads <n>', 'worker threads for a sweep (default: one per CPU)')
    .option('--walk-forward <folds>', 'with --sweep: folds + 1 windows; each fold optimises on one, tests on the next')
    .action(async (raw: RawBacktestOptions) => {
      const options = parseBacktestOptions(raw, Date.now());
      const started = performance.now();
      const plan = await planBacktest(options, connect);
      const note: Print = options.json ? (line) => stderr.write(`${line}\n`) : print;
      const out: Output = { print, note, progress: stderr, loadedMs: performance.now() - started };
      const dir = outputDirectory(options.out, plan.settings.symbol, options.period);
      if (options.sweep === undefined) await single(plan, options, dir, out);
      else if (plan.folds === undefined) await sweep(plan, options.sweep, options.json, dir, out);
      else await walkForward(plan, options.sweep, options.json, dir, out);
    });
}
