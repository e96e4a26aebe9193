// What a REST sweep has finished, kept on its row as it goes so that an attempt after a worker's
// death resumes instead of starting over: a plain sweep's points, a walk-forward's folds.
import type { RankMetric } from '../backtest/sweep/rank.ts';
import type { SweepSummary } from '../backtest/sweep/summary.ts';
import { overfittingCheck, type FoldReport } from '../backtest/walk-forward.ts';
import type { FinishedSoFar } from '../db/backtests.ts';
import type { IBacktest } from '../db/entities/index.ts';

export class SweepResume {
  /** A plain sweep's points finished, an earlier attempt's first. */
  readonly points: SweepSummary[];
  /** A walk-forward's folds finished, an earlier attempt's first. */
  readonly folds: FoldReport[];
  readonly #metric: RankMetric;
  #pointsWritten: number;
  #foldsWritten: number;

  /** From the row as this attempt found it: a running row holds what an earlier attempt finished. */
  constructor(row: Pick<IBacktest, 'status' | 'sweepRanking' | 'walkForward'> | null, metric: RankMetric) {
    const resuming = row?.status === 'running';
    this.points = resuming ? [...(row.sweepRanking?.ranked ?? [])] : [];
    this.folds = resuming ? [...(row.walkForward?.folds ?? [])] : [];
    this.#metric = metric;
    this.#pointsWritten = this.points.length;
    this.#foldsWritten = this.folds.length;
  }

  /** What finished since the last call, as the row keeps it; undefined when nothing did. */
  unwritten(): FinishedSoFar | undefined {
    if (this.folds.length > this.#foldsWritten) {
      this.#foldsWritten = this.folds.length;
      const folds = [...this.folds];
      return { walkForward: { metric: this.#metric, folds, overfitting: overfittingCheck(folds) } };
    }
    if (this.points.length > this.#pointsWritten) {
      this.#pointsWritten = this.points.length;
      return { points: [...this.points] };
    }
    return undefined;
  }
}
