// One 45-second cycle of one bot. Deterministic: it only sequences activities; all I/O is in them.
import {
  ActivityFailure,
  ApplicationFailure,
  log,
  proxyActivities,
  TemporalFailure,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { CycleActivities } from '../activities/index.ts';
import type { BotRef, CycleCounts, OrderRequest } from '../activities/types.ts';
import { clientOrderIdFor } from '../trading/client-order-id.ts';

/** Errors that no retry can cure; everything else is retried within the cycle's time budget. */
const NON_RETRYABLE = ['BotNotFound', 'InvalidBars', 'InvalidBotSettings'];

function step(startToCloseTimeout: ActivityOptions['startToCloseTimeout'], maximumAttempts: number): ActivityOptions {
  return {
    startToCloseTimeout,
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '4s',
      maximumAttempts,
      nonRetryableErrorTypes: NON_RETRYABLE,
    },
  };
}

const { fetchCandles, runStrategies, evaluateRisk, reconcile, managePositions } = proxyActivities<CycleActivities>(
  step('10s', 3),
);
// Placing orders may resend after an unknown outcome; each attempt first looks the order up.
const { placeOrders } = proxyActivities<CycleActivities>(step('15s', 4));
const { recordCycle } = proxyActivities<CycleActivities>(step('5s', 5));

/** "placeOrders: broker rejected …" rather than the SDK's "Activity task failed". */
function describeFailure(error: unknown): string {
  if (error instanceof ActivityFailure) return `${error.activityType}: ${error.cause?.message ?? error.message}`;
  return error instanceof Error ? error.message : String(error);
}

export async function scalperCycle(input: BotRef): Promise<CycleCounts> {
  const info = workflowInfo();
  const startedAt = info.runStartTime.getTime();
  const counts: CycleCounts = { strategies: 0, bars: 0, signals: 0, decisions: 0, orders: 0 };
  try {
    const candles = await fetchCandles(input);
    counts.bars = candles.window.count;
    const strategies = await runStrategies({ ...input, window: candles.window });
    counts.strategies = strategies.strategiesRun.length;
    counts.signals = strategies.signals.length;
    const decisions = await evaluateRisk({ ...input, signalIds: strategies.signals.map((s) => s.signalId) });
    counts.decisions = decisions.filter((d) => d.action === 'open').length;
    const orders: OrderRequest[] = decisions
      .filter((d) => d.action === 'open')
      .map((d) => ({ decisionId: d.decisionId, clientOrderId: clientOrderIdFor(input.botId, d.decisionId) }));
    const placed = await placeOrders({ ...input, orders });
    counts.orders = placed.length;
    await reconcile(input);
    const managed = await managePositions(input);
    // Positions the kill-switch just closed are booked in this cycle, not the next one.
    if (managed.closed > 0) await reconcile(input);
  } catch (error) {
    const message = describeFailure(error);
    log.warn('cycle failed', { botId: input.botId, error: message });
    await recordCycle({
      ...input,
      workflowId: info.workflowId,
      runId: info.runId,
      startedAt,
      counts,
      outcome: 'failed',
      error: message,
    });
    // A Temporal failure (an activity's, with its cause chain) fails the run as it is.
    throw error instanceof TemporalFailure ? error : ApplicationFailure.nonRetryable(message, 'CycleFailed');
  }
  await recordCycle({
    ...input,
    workflowId: info.workflowId,
    runId: info.runId,
    startedAt,
    counts,
    outcome: 'completed',
  });
  return counts;
}
