// One backtest (or sweep) asked for through the API. Deterministic: the computation is an activity
// (run in worker threads there), heartbeating its progress; this workflow makes it durable and
// visible in the Web UI, and records a failure on the row whatever caused it (an error, a timeout,
// retries exhausted, a cancellation), so GET /backtests/:id never shows a dead run as running.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { BacktestActivities } from '../activities/index.ts';
import type { BacktestJob, BacktestOutcome } from '../activities/types.ts';

/** Errors no retry cures: a row that is gone or unusable, no bars, the engine refusing the settings. */
const NON_RETRYABLE = ['BacktestNotFound', 'InvalidBacktest', 'NoBars', 'BacktestFailed'];

/** Stops the run, saying why (POST /backtests/:id/cancel sends it); the row is marked failed with the reason. */
export const cancelBacktestSignal = defineSignal<[reason: string]>('cancelBacktest');

const { runBacktestJob } = proxyActivities<BacktestActivities>({
  // Two years of M1 bars take minutes, a sweep of them longer; the heartbeat notices a dead worker.
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '5s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 3,
    nonRetryableErrorTypes: NON_RETRYABLE,
  },
});

const { recordBacktestFailure } = proxyActivities<BacktestActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 20 },
});

/** "no bars for XAUUSDm in …" rather than the SDK's "Activity task failed". */
function reasonOf(error: unknown): string {
  if (error instanceof ActivityFailure) return error.cause?.message ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

export async function backtest(input: BacktestJob): Promise<BacktestOutcome> {
  const computing = new CancellationScope();
  let cancelledBecause: string | null = null;
  setHandler(cancelBacktestSignal, (reason) => {
    cancelledBecause ??= reason;
    computing.cancel();
  });
  try {
    return await computing.run(() => runBacktestJob(input));
  } catch (error) {
    const cancelled = cancelledBecause !== null && isCancellation(error);
    const reason = cancelled ? `cancelled: ${cancelledBecause}` : reasonOf(error);
    // Recorded even when the workflow was cancelled: the row must not stay running.
    await CancellationScope.nonCancellable(() => recordBacktestFailure({ ...input, error: reason }));
    // The Web UI shows the run failed with the caller's reason, not an SDK cancellation.
    throw cancelled ? ApplicationFailure.nonRetryable(reason, 'BacktestCancelled') : error;
  }
}
