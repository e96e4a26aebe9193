// A walk-forward on one pool of worker threads: each fold runs the grid in sample and its best
// point out of sample, with progress counted in backtests run.
import type { BarColumns } from '../../trading/bar-columns.ts';
import type { BacktestSettings } from '../types.ts';
import {
  keptFold,
  walkForward,
  type FoldReport,
  type TimeWindow,
  type WalkForwardFold,
  type WalkForwardReport,
} from '../walk-forward.ts';
import type { SweepPoint } from './point.ts';
import { withSweepPool, type SweepAbortOption, type SweepPoolOptions } from './pool.ts';
import type { RankMetric } from './rank.ts';
import type { PointOutcome } from './summary.ts';

export interface WalkForwardGrid {
  points: readonly SweepPoint[];
  folds: readonly WalkForwardFold[];
}

/** Backtests a walk-forward runs: per fold, every point in sample and the best one out of sample. */
export function walkForwardRuns(grid: WalkForwardGrid): number {
  return grid.folds.length * (grid.points.length + 1);
}

export interface WalkForwardRunOptions {
  metric: RankMetric;
  onProgress?: (runsDone: number, runsTotal: number) => void;
  /** Folds an earlier run of this grid finished: kept, not run again (see walkForward). */
  finished?: readonly FoldReport[];
  onFold?: (report: FoldReport) => void;
  /** Each backtest's outcome, in sample or out, as it arrives. */
  onOutcome?: (outcome: PointOutcome) => void;
}

export function runWalkForward(
  bars: BarColumns,
  settings: BacktestSettings,
  grid: WalkForwardGrid,
  options: SweepPoolOptions & SweepAbortOption & WalkForwardRunOptions,
): Promise<WalkForwardReport> {
  const total = walkForwardRuns(grid);
  const kept = grid.folds.filter((fold) => keptFold(fold, options.finished ?? []) !== undefined).length;
  let finished = kept * (grid.points.length + 1);
  return withSweepPool(bars, options, (pool) =>
    walkForward({
      folds: grid.folds,
      points: grid.points,
      metric: options.metric,
      finished: options.finished,
      onFold: options.onFold,
      runSweep: async (window: TimeWindow, points) => {
        const outcomes = await pool.run({ ...settings, from: window.from, to: window.to }, points, {
          onProgress: (done) => options.onProgress?.(finished + done, total),
          onOutcome: options.onOutcome,
        });
        finished += points.length;
        return outcomes;
      },
    }),
  );
}
