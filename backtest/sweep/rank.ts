// Sweep results best first by one metric.
import type { TradeStats } from '../../trading/stats.ts';

export const RANK_METRICS = [
  'netPnl',
  'profitFactor',
  'expectancy',
  'winRate',
  'maxDrawdownPct',
  'sharpePerTrade',
] as const;

export type RankMetric = (typeof RANK_METRICS)[number];

/** Metrics where less is better. */
const LOWER_IS_BETTER: ReadonlySet<RankMetric> = new Set(['maxDrawdownPct']);

export function metricValue(stats: TradeStats, metric: RankMetric): number | null {
  return stats[metric];
}

/**
 * What a point ranks by. A point without trades says nothing of its parameters: it ranks after
 * every point that traded, whatever the metric (its drawdown of 0 is no merit). A profit factor
 * without a losing trade is undefined (null) but beats every number, as long as something was won.
 */
function rankKey(stats: TradeStats, metric: RankMetric): number | null {
  if (stats.count === 0) return null;
  if (metric === 'profitFactor' && stats.profitFactor === null && stats.grossProfit > 0) return Infinity;
  return metricValue(stats, metric);
}

/** Negative when a ranks first. A null key ranks after every number. */
function compareKeys(a: number | null, b: number | null, metric: RankMetric): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (a === b) return 0;
  return LOWER_IS_BETTER.has(metric) ? a - b : b - a;
}

/** Best first by `metric`; ties go to the higher net P&L, then to more trades; full ties keep their order. */
export function rankByMetric<T extends { overall: TradeStats }>(results: readonly T[], metric: RankMetric): T[] {
  return [...results].sort(
    (a, b) =>
      compareKeys(rankKey(a.overall, metric), rankKey(b.overall, metric), metric) ||
      b.overall.netPnl - a.overall.netPnl ||
      b.overall.count - a.overall.count,
  );
}
