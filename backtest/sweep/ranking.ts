// A sweep's outcomes ranked by one metric, and every point as CSV (ranked ones first, failed ones
// after with why): what `scalper backtest --sweep` writes to sweep.csv and GET
// /backtests/:id/points.csv serves.
import { csvText } from '../csv-text.ts';
import type { BacktestTradeStats } from '../types.ts';
import type { SweepPoint } from './point.ts';
import { rankByMetric, type RankMetric } from './rank.ts';
import type { PointOutcome, SweepSummary } from './summary.ts';

export interface SweepRanking {
  /** Best first. */
  ranked: SweepSummary[];
  failed: Array<{ point: SweepPoint; error: string }>;
}

export function rankOutcomes(outcomes: readonly PointOutcome[], metric: RankMetric): SweepRanking {
  const summaries = outcomes.flatMap((outcome) => (outcome.summary === null ? [] : [outcome.summary]));
  const failed = outcomes.flatMap((outcome) =>
    outcome.summary === null ? [{ point: outcome.point, error: outcome.error }] : [],
  );
  return { ranked: rankByMetric(summaries, metric), failed };
}

/** The swept paths, in spec order (every point has the same ones). */
export function sweptPaths(ranking: SweepRanking): string[] {
  const [first] = [...ranking.ranked, ...ranking.failed];
  return first === undefined ? [] : Object.keys(first.point);
}

const CSV_STATS = [
  'count',
  'winRate',
  'profitFactor',
  'expectancy',
  'averageWin',
  'averageLoss',
  'netPnl',
  'maxDrawdown',
  'maxDrawdownPct',
  'sharpePerTrade',
  'longestLosingStreak',
  'exposure',
] as const satisfies ReadonlyArray<keyof BacktestTradeStats>;

/** Every point, ranked ones first (rank 1 is the best), failed ones after with their error. */
export function sweepCsv(ranking: SweepRanking, paths: readonly string[]): string {
  const header = ['rank', ...paths, ...CSV_STATS, 'finalBalance', 'killSwitch', 'error'];
  const ranked = ranking.ranked.map((summary, i) => [
    i + 1,
    ...paths.map((path) => summary.point[path] ?? null),
    ...CSV_STATS.map((key) => summary.overall[key]),
    summary.finalBalance,
    summary.killSwitch?.reason ?? null,
    null,
  ]);
  const failed = ranking.failed.map((outcome) => [
    null,
    ...paths.map((path) => outcome.point[path] ?? null),
    ...CSV_STATS.map(() => null),
    null,
    null,
    outcome.error,
  ]);
  return csvText(header, [...ranked, ...failed]);
}
