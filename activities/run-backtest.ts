// The backtest workflow's activities: run one backtest from its row (instrument spec from its
// account, bars from its source, the engine in a worker thread, the report) or a sweep's points
// (compute-sweep.ts), heartbeating and recording its progress; and record a failure the workflow
// reports.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { longestLookback } from '../backtest/sweep/lookback.ts';
import type { BacktestResult, BacktestSettings } from '../backtest/types.ts';
import {
  backtestKind,
  backtestRequestSchema,
  cycleScheduleOf,
  type BacktestRequest,
} from '../bots/backtest-request.ts';
import { BacktestRecords } from '../db/backtests.ts';
import type { BacktestSummary, IBacktest } from '../db/entities/index.ts';
import type { InstrumentSpec } from '../trading/market.ts';
import { loadBacktestBars } from './backtest-bars.ts';
import { BacktestComputationError, computeInThread, type ComputedBacktest } from './backtest-threads.ts';
import { computeSweep, sweepPoints, type SweepRequest } from './compute-sweep.ts';
import type { ActivityDeps } from './deps.ts';
import { cachedInstrument } from './instrument-cache.ts';
import { SweepResume } from './sweep-resume.ts';
import type { BacktestFailure, BacktestJob, BacktestOutcome } from './types.ts';

/** How often the activity heartbeats and writes its progress to the row (the heartbeat timeout is 1 minute). */
const HEARTBEAT_INTERVAL_MS = 5_000;

function requestOf(backtestId: number, row: IBacktest | null): BacktestRequest {
  if (!row) throw ApplicationFailure.nonRetryable(`backtest ${backtestId} does not exist`, 'BacktestNotFound');
  const parsed = backtestRequestSchema.safeParse(row.request);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `backtest ${backtestId}'s request is invalid: ${parsed.error.message}`,
      'InvalidBacktest',
    );
  }
  return parsed.data;
}

/** The engine's settings: the request, with the account's instrument spec and (by default) its commission. */
function settingsOf(request: BacktestRequest, instrument: InstrumentSpec): BacktestSettings {
  const { commissionPerLot, ...spec } = instrument;
  return {
    symbol: request.symbol,
    instrument: spec,
    enabledStrategies: request.enabledStrategies,
    strategyParams: request.strategyParams,
    riskSettings: request.riskSettings,
    lookback: request.lookback,
    startingBalance: request.startingBalance,
    accountMode: request.accountMode,
    leverage: request.leverage,
    costs: { ...request.costs, commissionPerLot: request.costs.commissionPerLot ?? commissionPerLot },
    schedule: cycleScheduleOf(request),
    from: Date.parse(request.from),
    to: Date.parse(request.to),
    seed: request.seed,
  };
}

function summaryOf({ trades: _trades, equity: _equity, ...summary }: BacktestResult): BacktestSummary {
  return summary;
}

/**
 * A sweep's grid from its stored request, and the warm-up its longest window needs: one the API
 * accepted and a later release refuses cannot run.
 */
function gridOf(backtestId: number, request: SweepRequest, settings: BacktestSettings) {
  try {
    const points = sweepPoints(request, settings);
    return { request, points, warmUp: longestLookback(settings, points) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw ApplicationFailure.nonRetryable(`backtest ${backtestId}'s sweep is invalid: ${reason}`, 'InvalidBacktest');
  }
}

const isSweep = (request: BacktestRequest): request is SweepRequest => request.sweep !== null;

/** The engine refusing the settings or failing on the bars is not worth a retry: it would do it again. */
async function computed(run: Promise<ComputedBacktest>): Promise<ComputedBacktest> {
  try {
    return await run;
  } catch (error) {
    if (error instanceof BacktestComputationError)
      throw ApplicationFailure.nonRetryable(error.message, 'BacktestFailed');
    throw error;
  }
}

export function runBacktestJobActivity(deps: ActivityDeps) {
  return async ({ backtestId }: BacktestJob): Promise<BacktestOutcome> => {
    const records = new BacktestRecords(deps.orm.em);
    const row = await records.findWith(backtestId, 'sweepRanking');
    const request = requestOf(backtestId, row);
    const kind = backtestKind(request);
    const started = performance.now();
    const context = Context.current();
    const resume = new SweepResume(row, request.rankBy);
    // Bars for one backtest, points for a sweep (a walk-forward's in- and out-of-sample runs).
    const progress = { done: 0, total: 0, unit: isSweep(request) ? ('points' as const) : ('bars' as const) };
    const recordProgress = () => {
      if (progress.unit === 'bars') return records.progress(backtestId, progress.done, progress.total);
      return records.sweepProgress(backtestId, progress.done, progress.total, resume.unwritten());
    };
    let barsCounted = 0;
    const onProgress = (done: number, total: number) => {
      Object.assign(progress, { done, total });
      if (progress.unit !== 'bars' || done <= barsCounted) return;
      deps.metrics.backtestBars.inc({ kind }, done - barsCounted);
      barsCounted = done;
    };
    // Counted when it marks the row, as a failure is.
    const countCompleted = () => {
      deps.metrics.backtests.inc({ kind, outcome: 'completed' });
      deps.metrics.backtestDuration.observe({ kind }, (performance.now() - started) / 1000);
    };
    // Heartbeats go on from here to the end: loading a year of bars, waiting for a thread, computing.
    const beat = setInterval(() => {
      context.heartbeat(progress);
      if (progress.total === 0) return;
      recordProgress().catch((error: unknown) => {
        deps.logger.warn({ err: error, backtestId }, 'could not record the progress of a backtest');
      });
    }, HEARTBEAT_INTERVAL_MS);
    try {
      const { brokerAccount, symbol } = request;
      const instrument = await cachedInstrument(
        deps.orm.em.fork(),
        deps.brokerFor(brokerAccount),
        brokerAccount,
        symbol,
      );
      const settings = settingsOf(request, instrument);
      await records.running(backtestId, settings);
      const grid = isSweep(request) ? gridOf(backtestId, request, settings) : null;
      const warmUp = grid?.warmUp ?? request.lookback;
      const bars = await loadBacktestBars(deps.orm, { ...request, from: settings.from, to: settings.to }, warmUp);
      if (bars.traded === 0) {
        throw ApplicationFailure.nonRetryable(`no bars for ${symbol} in [${request.from}, ${request.to})`, 'NoBars');
      }
      if (grid !== null) {
        const sweep = await computeSweep(bars.columns, settings, grid.request, grid.points, {
          signal: context.cancellationSignal,
          onProgress,
          finished: [...resume.points],
          onFinished: (summary) => resume.points.push(summary),
          finishedFolds: [...resume.folds],
          onFoldFinished: (report) => resume.folds.push(report),
          onReplayed: (replayed) => deps.metrics.backtestBars.inc({ kind }, replayed),
        });
        if (await records.sweepCompleted(backtestId, sweep.runs, sweep.result)) countCompleted();
        return { backtestId, bars: bars.traded, runs: sweep.runs, best: sweep.best };
      }
      progress.total = bars.traded;
      const { result, reportHtml } = await computed(
        computeInThread({ bars: bars.columns, settings }, { onProgress, signal: context.cancellationSignal }),
      );
      const stored = await records.completed(backtestId, {
        barsTotal: result.bars,
        summary: summaryOf(result),
        trades: result.trades,
        reportHtml,
      });
      if (stored) countCompleted();
      return {
        backtestId,
        bars: result.bars,
        trades: result.overall.count,
        netPnl: result.overall.netPnl,
        finalBalance: result.finalBalance,
      };
    } finally {
      clearInterval(beat);
    }
  };
}

export function recordBacktestFailureActivity(deps: ActivityDeps) {
  return async ({ backtestId, error, cancelled }: BacktestFailure): Promise<void> => {
    const records = new BacktestRecords(deps.orm.em);
    // Counted when it marks the row: a retry of this activity, or a row that ended first, is not.
    if (!(await records.failed(backtestId, error))) return;
    const stored = ((await records.find(backtestId))?.request ?? {}) as Partial<BacktestRequest>;
    const kind = backtestKind({ sweep: stored.sweep ?? null, walkForward: stored.walkForward ?? null });
    deps.metrics.backtests.inc({ kind, outcome: cancelled === true ? 'cancelled' : 'failed' });
  };
}
