// `scalper backtest --sweep … --walk-forward <folds>`: each fold optimises the grid on one window
// and trades its best point on the next (backtest/sweep/walk-forward-pool.ts) with a progress bar;
// a table per fold, the overfitting check, and walk-forward.csv.
import { formatCount, formatMoney } from '../backtest/report/format.ts';
import { describePoint } from '../backtest/sweep/point.ts';
import type { RankMetric } from '../backtest/sweep/rank.ts';
import { runWalkForward, type WalkForwardGrid } from '../backtest/sweep/walk-forward-pool.ts';
import type { BacktestSettings } from '../backtest/types.ts';
import type { BarColumns } from '../trading/bar-columns.ts';
import type { TimeWindow, WalkForwardReport } from '../backtest/walk-forward.ts';
import { formatMetric } from './backtest-sweep.ts';
import { csvText } from '../backtest/csv-text.ts';
import type { ProgressBar } from './progress-bar.ts';
import { textTable } from './text-table.ts';

export async function walkForwardWithProgress(
  bars: BarColumns,
  settings: BacktestSettings,
  grid: WalkForwardGrid,
  options: { metric: RankMetric; threads: number | undefined; progress: ProgressBar },
): Promise<WalkForwardReport> {
  try {
    return await runWalkForward(bars, settings, grid, {
      metric: options.metric,
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      onProgress: (done, total) => options.progress.update(done, total),
    });
  } finally {
    options.progress.finish();
  }
}

/** `2025-01-01` at midnight, `2025-01-01 12:30` otherwise (UTC). */
function instant(time: number): string {
  const iso = new Date(time).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
}

function windowText(window: TimeWindow): string {
  return `${instant(window.from)} → ${instant(window.to)}`;
}

export function walkForwardTable(report: WalkForwardReport): string[] {
  const metric = report.metric;
  // The error column only when a fold has one.
  const withErrors = report.folds.some((fold) => fold.error !== null);
  const rows = report.folds.map((fold, i) => [
    String(i + 1),
    windowText(fold.train),
    windowText(fold.test),
    fold.best === null ? '—' : describePoint(fold.best),
    formatMetric(metric, fold.inSampleMetric),
    formatMetric(metric, fold.outOfSampleMetric),
    fold.outOfSample === null ? '—' : formatCount(fold.outOfSample.overall.count),
    fold.outOfSample === null ? '—' : formatMoney(fold.outOfSample.overall.netPnl),
    ...(withErrors ? [fold.error ?? ''] : []),
  ]);
  const right = 'right' as const;
  return textTable(
    [
      { heading: 'Fold', align: right },
      { heading: 'Optimised on' },
      { heading: 'Tested on' },
      { heading: 'Best point' },
      { heading: `In-sample ${metric}`, align: right },
      { heading: `Out-of-sample ${metric}`, align: right },
      { heading: 'OOS trades', align: right },
      { heading: 'OOS net P&L', align: right },
      ...(withErrors ? [{ heading: 'Error' }] : []),
    ],
    rows,
  );
}

/** The overfitting check in a sentence: the warning, or why there is none. */
export function overfittingLine(report: WalkForwardReport): string {
  const check = report.overfitting;
  if (check.warning !== null) return `WARNING: ${check.warning}`;
  if (check.profitableInSample === 0) return 'overfitting check: no fold was profitable in sample, nothing to judge';
  const efficiency = check.efficiency === null ? '' : `; out-of-sample efficiency ${check.efficiency.toFixed(2)}`;
  return `overfitting check: ${check.losingOutOfSample} of ${check.profitableInSample} folds profitable in sample lost out of sample${efficiency}: no sign of overfitting`;
}

export function walkForwardCsv(report: WalkForwardReport): string {
  const iso = (time: number) => new Date(time).toISOString();
  return csvText(
    [
      'fold',
      'trainFrom',
      'trainTo',
      'testFrom',
      'testTo',
      'bestPoint',
      'inSampleTrades',
      'inSampleNetPnl',
      `inSample_${report.metric}`,
      'outOfSampleTrades',
      'outOfSampleNetPnl',
      `outOfSample_${report.metric}`,
      'error',
    ],
    report.folds.map((fold, i) => [
      i + 1,
      iso(fold.train.from),
      iso(fold.train.to),
      iso(fold.test.from),
      iso(fold.test.to),
      fold.best === null ? null : describePoint(fold.best),
      fold.inSample?.overall.count ?? null,
      fold.inSample?.overall.netPnl ?? null,
      fold.inSampleMetric,
      fold.outOfSample?.overall.count ?? null,
      fold.outOfSample?.overall.netPnl ?? null,
      fold.outOfSampleMetric,
      fold.error,
    ]),
  );
}
