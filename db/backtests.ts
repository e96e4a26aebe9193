// The backtest table through a backtest's life: written queued by the API, then running, its
// progress, and completed or failed by its workflow. Each step updates only its own columns, so
// the API saving the run id and the worker marking the row running never overwrite each other.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { SweepRanking } from '../backtest/sweep/ranking.ts';
import type { SweepSummary } from '../backtest/sweep/summary.ts';
import type { BacktestSettings, BacktestTrade } from '../backtest/types.ts';
import type { WalkForwardReport } from '../backtest/walk-forward.ts';
import { Backtest, type BacktestStatus, type BacktestSummary, type IBacktest } from './entities/index.ts';

/** Trades kept per backtest (the statistics count them all): a row stays a few megabytes at most. */
export const MAX_STORED_TRADES = 20_000;

const UNFINISHED: BacktestStatus[] = ['queued', 'running'];

export interface NewBacktest {
  symbol: string;
  botId: number | null;
  request: Record<string, unknown>;
}

export interface CompletedBacktest {
  barsTotal: number;
  summary: BacktestSummary;
  trades: BacktestTrade[];
  reportHtml: string;
}

/** A sweep's result: every point ranked, or a walk-forward's folds. */
export type CompletedSweep = { ranking: SweepRanking } | { walkForward: WalkForwardReport };

/** What a running sweep finished so far: a plain sweep's points, or a walk-forward's folds in a report. */
export type FinishedSoFar = { points: SweepSummary[] } | { walkForward: WalkForwardReport };

/** A JSON column's value as text: bound as such, not turned into a PostgreSQL array by the driver. */
const json = (value: unknown) => JSON.stringify(value);

export class BacktestRecords {
  private readonly em: EntityManager;

  constructor(em: EntityManager) {
    this.em = em;
  }

  /** A queued row; its workflow id is made from its id, known before the insert. */
  async create(input: NewBacktest, workflowIdOf: (id: number) => string): Promise<IBacktest> {
    const em = this.em.fork();
    const [next] = await em.execute<{ id: number }[]>(`select nextval('backtest_id_seq')::int as id`);
    if (!next) throw new Error('backtest_id_seq returned no value');
    const row = em.create(Backtest, { id: next.id, ...input, workflowId: workflowIdOf(next.id) });
    await em.flush();
    return row;
  }

  find(id: number): Promise<IBacktest | null> {
    return this.em.fork().findOne(Backtest, id);
  }

  /** The row with one of its large columns read too. */
  findWith(id: number, column: 'trades' | 'reportHtml' | 'sweepRanking'): Promise<IBacktest | null> {
    return this.em.fork().findOne(Backtest, id, { populate: [column] });
  }

  async workflowStarted(id: number, runId: string): Promise<void> {
    await this.em.fork().nativeUpdate(Backtest, { id }, { runId });
  }

  /** Running with these settings; a retried attempt starts its progress again. */
  async running(id: number, settings: BacktestSettings): Promise<void> {
    const em = this.em.fork();
    await em.nativeUpdate(
      Backtest,
      { id, status: { $in: UNFINISHED } },
      { status: 'running', settings, barsDone: null, barsTotal: null, pointsDone: null, pointsTotal: null },
    );
    await em.nativeUpdate(Backtest, { id, startedAt: null }, { startedAt: new Date() });
  }

  async progress(id: number, barsDone: number, barsTotal: number): Promise<void> {
    await this.em.fork().nativeUpdate(Backtest, { id, status: 'running' }, { barsDone, barsTotal });
  }

  /**
   * A sweep's progress, and what it finished so far — a plain sweep's points (unranked, none
   * failed), a walk-forward's folds — so that a later attempt of its activity keeps them rather
   * than running them again.
   */
  async sweepProgress(id: number, pointsDone: number, pointsTotal: number, finished?: FinishedSoFar): Promise<void> {
    const kept =
      finished === undefined
        ? {}
        : 'points' in finished
          ? { sweep_ranking: json({ ranked: finished.points, failed: [] }) }
          : { walk_forward: json(finished.walkForward) };
    await this.#updateRunning(id, { points_done: pointsDone, points_total: pointsTotal, ...kept });
  }

  /** Completed, unless it ended meanwhile (a cancel, say): true when it marked the row. */
  sweepCompleted(id: number, pointsTotal: number, result: CompletedSweep): Promise<boolean> {
    return this.#updateRunning(id, {
      status: 'completed',
      points_done: pointsTotal,
      points_total: pointsTotal,
      ...('ranking' in result ? { sweep_ranking: json(result.ranking) } : { walk_forward: json(result.walkForward) }),
      finished_at: new Date(),
    });
  }

  /** Completed, unless it ended meanwhile (a cancel, say): true when it marked the row. */
  completed(id: number, result: CompletedBacktest): Promise<boolean> {
    return this.#updateRunning(id, {
      status: 'completed',
      bars_done: result.barsTotal,
      bars_total: result.barsTotal,
      summary: json(result.summary),
      trades: json(result.trades.slice(0, MAX_STORED_TRADES)),
      report_html: result.reportHtml,
      finished_at: new Date(),
    });
  }

  /**
   * Sets columns of a running row with bound parameters. MikroORM 7 writes every parameter into
   * the SQL text, escaping a string one character at a time: a year's report (2.5 million
   * characters) and its trades took well over 100 MB of the worker's 192 MB heap doing so, and
   * crashed it. Column names as in the table; JSON columns as JSON text.
   */
  async #updateRunning(id: number, columns: Record<string, unknown>): Promise<boolean> {
    const { numUpdatedRows } = await this.em
      .fork()
      .getKysely<{ backtest: Record<string, unknown> }>()
      .updateTable('backtest')
      .set(columns)
      .where('id', '=', id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    return numUpdatedRows > 0n;
  }

  /**
   * Failed with why, unless it already ended (a late failure report must not undo a completion):
   * true when it marked the row, false when the row had already ended (or is gone).
   */
  async failed(id: number, error: string): Promise<boolean> {
    const changed = await this.em
      .fork()
      .nativeUpdate(Backtest, { id, status: { $in: UNFINISHED } }, { status: 'failed', error, finishedAt: new Date() });
    return changed > 0;
  }
}
