// `scalper backtest --sweep`: every grid point backtested over worker threads, ranked by one
// metric; the best few as a table (every point goes to sweep.csv: backtest/sweep/ranking.ts).
import { formatCount, formatMoney, formatPercent, formatRatio, formatShare } from '../backtest/report/format.ts';
import { runSweep } from '../backtest/sweep/pool.ts';
import type { SweepPoint } from '../backtest/sweep/point.ts';
import type { RankMetric } from '../backtest/sweep/rank.ts';
import { rankOutcomes, type SweepRanking } from '../backtest/sweep/ranking.ts';
import type { BacktestSettings } from '../backtest/types.ts';
import type { BarColumns } from '../trading/bar-columns.ts';
import type { ProgressBar } from './progress-bar.ts';
import { stat, type StatColumn } from './backtest-summary.ts';
import { textTable } from './text-table.ts';

export function formatMetric(metric: RankMetric, value: number | null): string {
  if (metric === 'winRate') return formatShare(value);
  if (metric === 'maxDrawdownPct') return formatPercent(value);
  if (metric === 'profitFactor' || metric === 'sharpePerTrade') return formatRatio(value);
  return formatMoney(value);
}

export async function runRankedSweep(
  bars: BarColumns,
  settings: BacktestSettings,
  points: readonly SweepPoint[],
  options: { metric: RankMetric; threads: number | undefined; progress: ProgressBar },
): Promise<SweepRanking> {
  const outcomes = await runSweep(bars, settings, points, {
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    onProgress: (done, total) => options.progress.update(done, total),
  });
  options.progress.finish();
  return rankOutcomes(outcomes, options.metric);
}

const STATS_SHOWN: StatColumn[] = [
  stat('Trades', (stats) => formatCount(stats.count)),
  stat('Net P&L', (stats) => formatMoney(stats.netPnl)),
  stat('Profit factor', (stats) => formatRatio(stats.profitFactor)),
  stat('Win rate', (stats) => formatShare(stats.winRate)),
  stat('Expectancy', (stats) => formatMoney(stats.expectancy)),
  stat('Sharpe/trade', (stats) => formatRatio(stats.sharpePerTrade)),
  stat('Max DD %', (stats) => formatPercent(stats.maxDrawdownPct)),
];

/** The best `top` points: rank, the swept values, their stats. */
export function sweepTable(ranking: SweepRanking, paths: readonly string[], top: number): string[] {
  const rows = ranking.ranked
    .slice(0, top)
    .map((summary, i) => [
      String(i + 1),
      ...paths.map((path) => String(summary.point[path])),
      ...STATS_SHOWN.map((column) => column.cell(summary.overall)),
    ]);
  const columns = [
    { heading: '#', align: 'right' as const },
    ...paths.map((path) => ({ heading: path, align: 'right' as const })),
    ...STATS_SHOWN,
  ];
  return textTable(columns, rows);
}
