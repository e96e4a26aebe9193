// A sweep asked for through the API, computed in the worker: its grid (and walk-forward folds)
// rebuilt from the stored request, its points spread over the compute threads it can take. It
// resumes: the points (or folds) an earlier attempt finished, kept on the row as they came, are
// not run again.
import { ApplicationFailure } from '@temporalio/activity';
import { sweepGrid } from '../backtest/sweep/grid.ts';
import { describePoint, type SweepPoint } from '../backtest/sweep/point.ts';
import { runSweep } from '../backtest/sweep/pool.ts';
import { rankOutcomes } from '../backtest/sweep/ranking.ts';
import type { PointOutcome, SweepSummary } from '../backtest/sweep/summary.ts';
import { runWalkForward, walkForwardRuns } from '../backtest/sweep/walk-forward-pool.ts';
import type { BacktestSettings } from '../backtest/types.ts';
import { walkForwardFolds, type FoldReport } from '../backtest/walk-forward.ts';
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

export interface SweepComputeOptions {
  signal: AbortSignal;
  onProgress: (done: number, total: number) => void;
  /** A plain sweep's points finished by an earlier attempt: they are kept, not run again. */
  finished: readonly SweepSummary[];
  /** Each point a plain sweep finishes, as it does. */
  onFinished: (summary: SweepSummary) => void;
  /** A walk-forward's folds finished by an earlier attempt: kept, not run again. */
  finishedFolds: readonly FoldReport[];
  /** Each fold a walk-forward finishes, as it does. */
  onFoldFinished: (report: FoldReport) => void;
  /** The bars each point replayed, as it finishes. */
  onReplayed: (bars: number) => void;
}

/** The summaries an earlier attempt finished, by point, of the points of this grid. */
function keptOf(points: readonly SweepPoint[], finished: readonly SweepSummary[]): Map<string, SweepSummary> {
  const byPoint = new Map(finished.map((summary) => [describePoint(summary.point), summary]));
  return new Map(
    points.flatMap((point) => {
      const key = describePoint(point);
      const summary = byPoint.get(key);
      return summary === undefined ? [] : [[key, summary] as const];
    }),
  );
}

export function computeSweep(
  bars: BarColumns,
  settings: BacktestSettings,
  request: SweepRequest,
  points: readonly SweepPoint[],
  options: SweepComputeOptions,
): Promise<ComputedSweep> {
  const { signal, onProgress } = options;
  const metric = request.rankBy;
  if (request.walkForward === null) {
    const kept = keptOf(points, options.finished);
    // A point that failed runs again: its thread may have died with the worker.
    const left = points.filter((point) => !kept.has(describePoint(point)));
    return withComputeThreads(left.length, signal, async (threads, share) => {
      const outcomes = await runSweep(bars, settings, left, {
        threads,
        share,
        signal,
        onProgress: (done) => onProgress(kept.size + done, points.length),
        onOutcome: (outcome) => {
          if (outcome.summary === null) return;
          options.onFinished(outcome.summary);
          options.onReplayed(outcome.summary.bars);
        },
      });
      const ran = new Map(outcomes.map((outcome) => [describePoint(outcome.point), outcome]));
      // In the grid's order, as a run from scratch has them, so that ties rank alike either way.
      const all = points.map((point, index): PointOutcome => {
        const summary = kept.get(describePoint(point));
        return summary === undefined ? ran.get(describePoint(point))! : { index, point, summary, error: null };
      });
      const ranking = rankOutcomes(all, metric);
      if (ranking.ranked.length === 0) everyPointFailed(ranking.failed);
      return { result: { ranking }, runs: points.length, best: [describePoint(ranking.ranked[0]!.point)] };
    });
  }
  const folds = walkForwardFolds(settings, { windows: request.walkForward + 1 });
  return withComputeThreads(points.length, signal, async (threads, share) => {
    const report = await runWalkForward(
      bars,
      settings,
      { points, folds },
      {
        threads,
        share,
        signal,
        metric,
        onProgress,
        finished: options.finishedFolds,
        onFold: options.onFoldFinished,
        onOutcome: (outcome) => options.onReplayed(outcome.summary?.bars ?? 0),
      },
    );
    const best = report.folds.flatMap((fold) => (fold.best === null ? [] : [describePoint(fold.best)]));
    return { result: { walkForward: report }, runs: walkForwardRuns({ points, folds }), best };
  });
}
