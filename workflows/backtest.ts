// One backtest (or sweep) asked for through the API. Deterministic: the computation is an activity
// (run in worker threads there), heartbeating its progress; this workflow makes it durable and
// visible in the Web UI, and records a failure on the row whatever caused it (an error, a timeout,
// retries exhausted, a cancellation), so GET /backtests/:id never shows a dead run as running.
import {
  ActivityCancellationType,
  type ActivityOptions,
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  condition,
  defineSignal,
  defineUpdate,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { BacktestActivities } from '../activities/index.ts';
import type { BacktestJob, BacktestOutcome } from '../activities/types.ts';

/** Errors no retry cures: a row that is gone or unusable, no bars, the engine refusing the settings. */
const NON_RETRYABLE = ['BacktestNotFound', 'InvalidBacktest', 'NoBars', 'BacktestFailed'];

/**
 * Stops the run, saying why; the row is marked failed with the reason. For the terminal
 * (`temporal workflow signal --name cancelBacktest --input '"<reason>"'`): it answers nothing.
 */
export const cancelBacktestSignal = defineSignal<[reason: string]>('cancelBacktest');

/**
 * The same stop, answering once the run has ended (POST /backtests/:id/cancel sends it): true when
 * the cancel stopped it, false when it had completed or failed first, so the caller never hears
 * "cancelled" of a backtest whose results were stored a moment before.
 */
export const cancelBacktestUpdate = defineUpdate<boolean, [reason: string]>('cancelBacktestAndWait');

const computeOptions: ActivityOptions = {
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
};

/**
 * A cancel waits for the computation to stop (it hears of it at its next heartbeat) or to
 * complete first: the workflow then ends as the row does, completed or cancelled. Runs started by
 * an earlier build gave up on the computation at once; the patch keeps their replays deterministic.
 * Deprecate it once no such run can still be open (a backtest runs at most its 2-hour timeout, 3 times).
 */
const CANCEL_WAITS_FOR_COMPUTATION = 'cancel-waits-for-computation';
const waitingOnCancel = proxyActivities<BacktestActivities>({
  ...computeOptions,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
const givingUpOnCancel = proxyActivities<BacktestActivities>({
  ...computeOptions,
  cancellationType: ActivityCancellationType.TRY_CANCEL,
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

/** A cancel waiting for the run's end answers before the run closes (even a cancelled workflow). */
const answered = () => CancellationScope.nonCancellable(() => condition(allHandlersFinished));

export async function backtest(input: BacktestJob): Promise<BacktestOutcome> {
  const computing = new CancellationScope();
  let cancelledBecause: string | null = null;
  let ended: 'completed' | 'cancelled' | 'failed' | null = null;
  const cancel = (reason: string) => {
    if (ended !== null) return;
    cancelledBecause ??= reason;
    computing.cancel();
  };
  setHandler(cancelBacktestSignal, cancel);
  setHandler(cancelBacktestUpdate, async (reason) => {
    cancel(reason);
    await condition(() => ended !== null);
    return ended === 'cancelled';
  });
  try {
    const { runBacktestJob } = patched(CANCEL_WAITS_FOR_COMPUTATION) ? waitingOnCancel : givingUpOnCancel;
    const outcome = await computing.run(() => runBacktestJob(input));
    ended = 'completed';
    await answered();
    return outcome;
  } catch (error) {
    const cancelled = cancelledBecause !== null && isCancellation(error);
    const reason = cancelled ? `cancelled: ${cancelledBecause}` : reasonOf(error);
    // Recorded even when the workflow was cancelled: the row must not stay running.
    await CancellationScope.nonCancellable(() => recordBacktestFailure({ ...input, error: reason, cancelled }));
    ended = cancelled ? 'cancelled' : 'failed';
    await answered();
    // The Web UI shows the run failed with the caller's reason, not an SDK cancellation.
    throw cancelled ? ApplicationFailure.nonRetryable(reason, 'BacktestCancelled') : error;
  }
}
