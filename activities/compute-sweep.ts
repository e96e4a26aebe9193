// A sweep asked for through the API, computed in the worker: its grid (and walk-forward folds)
// rebuilt from the stored request, its points spread over the compute threads it can take.
import { ApplicationFailure } from '@temporalio/activity';
import { sweepGrid } from '../backtest/sweep/grid.ts';
import { describePoint, type SweepPoint } from '../backtest/sweep/point.ts';
import { runSweep } from '../backtest/sweep/pool.ts';
import { rankOutcomes } from '../backtest/sweep/ranking.ts';
import { runWalkForward, walkForwardRuns } from '../backtest/sweep/walk-forward-pool.ts';
import type { BacktestSettings } from '../backtest/types.ts';
import { walkForwardFolds } from '../backtest/walk-forward.ts';
import { MAX_API_SWEEP_POINTS, type BacktestRequest } from '../bots/backtest-request.ts';
import type { CompletedSweep } from '../db/backtests.ts';
import type { BarColumns } from '../trading/bar-columns.ts';
import { withComputeThreads } from './backtest-threads.ts';

export type SweepRequest = BacktestRequest & { sweep: string[] };

export interface ComputedSweep {
  result: CompletedSweep;
  /** Backtests run. */
  runs: number;
  best: string[];
}

export function sweepPoints(request: SweepRequest, settings: BacktestSettings): SweepPoint[] {
  return sweepGrid(request.sweep, settings, MAX_API_SWEEP_POINTS);
}

/** No point ran: there is nothing to rank, and the same grid would fail again. */
function everyPointFailed(failed: ReadonlyArray<{ point: SweepPoint; error: string }>): never {
  const [first] = failed;
  const example = first === undefined ? '' : `, e.g. ${describePoint(first.point)}: ${first.error}`;
  throw ApplicationFailure.nonRetryable(`every point of the sweep failed${example}`, 'BacktestFailed');
}

export function computeSweep(
  bars: BarColumns,
  settings: BacktestSettings,
  request: SweepRequest,
  points: readonly SweepPoint[],
  options: { signal: AbortSignal; onProgress: (done: number, total: number) => void },
): Promise<ComputedSweep> {
  const { signal, onProgress } = options;
  const metric = request.rankBy;
  if (request.walkForward === null) {
    return withComputeThreads(points.length, signal, async (threads) => {
      const outcomes = await runSweep(bars, settings, points, { threads, signal, onProgress });
      const ranking = rankOutcomes(outcomes, metric);
      if (ranking.ranked.length === 0) everyPointFailed(ranking.failed);
      return { result: { ranking }, runs: points.length, best: [describePoint(ranking.ranked[0]!.point)] };
    });
  }
  const folds = walkForwardFolds(settings, { windows: request.walkForward + 1 });
  return withComputeThreads(points.length, signal, async (threads) => {
    const report = await runWalkForward(bars, settings, { points, folds }, { threads, signal, metric, onProgress });
    const best = report.folds.flatMap((fold) => (fold.best === null ? [] : [describePoint(fold.best)]));
    return { result: { walkForward: report }, runs: walkForwardRuns({ points, folds }), best };
  });
}
