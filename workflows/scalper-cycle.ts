// One 45-second cycle of one bot. Deterministic: it only sequences activities; all I/O is in them.
// The trading steps (candles → strategies → risk → orders) may fail; risk management (reconcile,
// managePositions) runs in every cycle whatever happened before it, and a broker's reject is an
// outcome the cycle counts, not a failure. Its time budget is workflows/cycle-timing.ts: a cycle
// that runs long is cut, still manages its positions, and is recorded as timed out.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  TemporalFailure,
  upsertSearchAttributes,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { CycleActivities } from '../activities/index.ts';
import type { BotRef, CycleCounts, OrderOutcome, OrderRequest } from '../activities/types.ts';
import { clientOrderIdFor, SENT_STATUSES } from '../trading/orders/index.ts';
import { cycleTiming, type CycleTiming } from './cycle-timing.ts';
import { describeOrder, newStory, storyDetails, tradeSearchAttributes, type CycleStory } from './cycle-summary.ts';

/**
 * Runs started by an earlier build always scheduled evaluateRisk, even with no signal to decide;
 * the patch keeps their replays deterministic. Deprecate it once no such run can still be open
 * (a cycle lives at most its interval).
 */
const RISK_ONLY_ON_SIGNALS = 'risk-only-on-signals';

/** Errors that no retry can cure; everything else is retried within the cycle's time budget. */
const NON_RETRYABLE = ['BotNotFound', 'InvalidBars', 'InvalidBotSettings', 'InvalidOrder'];

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

/** The activities of one run, with step timeouts that fit its time budget. */
function stepsFor(timing: CycleTiming) {
  // A proxy: its activities are read off it, never spread.
  const { fetchCandles, reconcile, managePositions } = proxyActivities<CycleActivities>(step(timing.stepTimeoutMs, 3));
  return {
    fetchCandles,
    reconcile,
    managePositions,
    recordCycle: proxyActivities<CycleActivities>(step(timing.recordTimeoutMs, 5)).recordCycle,
    /** The steps whose input says what they work on, summarised in the Web UI's event list. */
    summarised: (summary: string) => proxyActivities<CycleActivities>({ ...step(timing.stepTimeoutMs, 3), summary }),
    /** Placing orders may resend after an unknown outcome; each attempt first looks the order up. */
    placeOrdersFor(orders: OrderRequest[]) {
      // The summary names the orders in the Web UI's event list.
      const summary = `send ${orders.map((order) => order.clientOrderId).join(', ')}`;
      return proxyActivities<CycleActivities>({ ...step(timing.sendTimeoutMs, 4), summary }).placeOrders;
    },
  };
}

type Steps = ReturnType<typeof stepsFor>;

/** Where a run is, so a cycle cut by its deadline says which step was still running. */
interface Progress {
  step: string;
  timedOut: string | null;
}

/**
 * Runs `phase` until `deadlineMs` after the run started (no deadline: until it ends). A phase cut
 * by its deadline is recorded in `progress` as the cause, not thrown.
 */
async function withDeadline(
  deadlineMs: number | null,
  startedAt: number,
  progress: Progress,
  phase: () => Promise<void>,
): Promise<void> {
  if (deadlineMs === null) return phase();
  const remaining = Math.max(startedAt + deadlineMs - Date.now(), 0);
  try {
    await CancellationScope.withTimeout(remaining, phase);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    progress.timedOut ??= `${progress.step} still running at the cycle's ${deadlineMs / 1000} s deadline`;
  }
}

/** Records a line of what the cycle did and shows the story so far in the Web UI. */
function tell(story: CycleStory, line: string): void {
  story.lines.push(line);
  setCurrentDetails(storyDetails(story));
}

/** "placeOrders: broker rejected …" rather than the SDK's "Activity task failed". */
function describeFailure(error: unknown): string {
  if (error instanceof ActivityFailure) return `${error.activityType}: ${error.cause?.message ?? error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function failureType(error: unknown): string | undefined {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure
    ? (error.cause.type ?? undefined)
    : undefined;
}

/** The outcomes a failed placeOrders had reached (it attaches them), so the cycle still counts them. */
function outcomesOf(error: unknown): OrderOutcome[] {
  const details =
    error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause.details : undefined;
  const [outcomes] = details ?? [];
  return Array.isArray(outcomes) ? (outcomes as OrderOutcome[]) : [];
}

function reachedBroker(outcomes: OrderOutcome[]): OrderOutcome[] {
  return outcomes.filter((outcome) => SENT_STATUSES.includes(outcome.status));
}

function countOrders(counts: CycleCounts, outcomes: OrderOutcome[]): void {
  const sent = reachedBroker(outcomes);
  counts.orders = sent.length;
  counts.ordersFilled = sent.filter((o) => o.status === 'filled' || o.status === 'partially_filled').length;
  counts.ordersRejected = sent.filter((o) => o.status === 'rejected').length;
}

/** Candles → strategies → risk → orders. */
async function trade(
  steps: Steps,
  input: BotRef,
  counts: CycleCounts,
  story: CycleStory,
  progress: Progress,
): Promise<void> {
  progress.step = 'fetchCandles';
  const candles = await steps.fetchCandles(input);
  counts.bars = candles.window.count;
  const barTime = new Date(candles.window.lastOpenTime).toISOString().slice(11, 16);
  tell(story, `${candles.window.count} ${candles.window.symbol} M1 bars up to the ${barTime} UTC bar`);
  progress.step = 'runStrategies';
  const strategies = await steps.summarised(`strategies on the ${barTime} UTC bar`).runStrategies({
    ...input,
    window: candles.window,
  });
  counts.strategies = strategies.strategiesRun.length;
  counts.signals = strategies.signals.length;
  tell(
    story,
    strategies.signals.length === 0
      ? `no new signal from ${strategies.strategiesRun.join(', ')}`
      : `signals: ${strategies.signals.map((s) => `${s.strategy} ${s.direction} (score ${s.score})`).join(', ')}`,
  );
  const signalIds = strategies.signals.map((s) => s.signalId);
  // Most cycles have no signal: nothing to decide costs no step (a round trip and timers on the server).
  if (signalIds.length === 0 && patched(RISK_ONLY_ON_SIGNALS)) return;
  const risk = steps.summarised(
    // No signal here only in a replay of an earlier build's run.
    signalIds.length > 0 ? `risk for signals ${signalIds.join(', ')}` : 'risk: no new signal',
  );
  progress.step = 'evaluateRisk';
  const decisions = await risk.evaluateRisk({ ...input, signalIds });
  for (const d of decisions) tell(story, `decision ${d.decisionId} ${d.strategy}: ${d.action} — ${d.reason}`);
  const opens = decisions.filter((d) => d.action === 'open');
  counts.decisions = opens.length;
  if (opens.length === 0) return;
  const orders: OrderRequest[] = opens.map((d) => ({
    decisionId: d.decisionId,
    clientOrderId: clientOrderIdFor(input.botId, d.decisionId),
  }));
  const told = (outcomes: OrderOutcome[]) => {
    countOrders(counts, outcomes);
    for (const outcome of outcomes) {
      const decision = opens.find((d) => clientOrderIdFor(input.botId, d.decisionId) === outcome.clientOrderId);
      story.opens.push({ outcome, decision });
      tell(story, describeOrder(outcome, decision));
    }
  };
  progress.step = 'placeOrders';
  try {
    told(await steps.placeOrdersFor(orders)({ ...input, orders }));
  } catch (error) {
    told(outcomesOf(error));
    throw error;
  }
}

/** Reconcile and manage positions, whatever happened before; each failure is kept, none stops the rest. */
async function manageRisk(
  steps: Steps,
  input: BotRef,
  counts: CycleCounts,
  failures: unknown[],
  story: CycleStory,
  progress: Progress,
): Promise<void> {
  const attempt = async <T>(name: string, run: () => Promise<T>): Promise<T | null> => {
    progress.step = name;
    try {
      return await run();
    } catch (error) {
      // A cut by the deadline is the phase's to report, not a failure of this step.
      if (isCancellation(error)) throw error;
      failures.push(error);
      return null;
    }
  };
  await attempt('reconcile', () => steps.reconcile(input));
  const managed = await attempt('managePositions', () => steps.managePositions(input));
  if (managed) {
    counts.closes = reachedBroker(managed.closes).length;
    story.closes.push(...managed.closes);
    if (managed.trailed > 0) tell(story, `trailed ${managed.trailed} stop-loss(es)`);
    if (managed.killSwitchTripped) tell(story, 'automatic kill-switch tripped: schedule paused, positions closed');
    for (const close of managed.closes) tell(story, describeOrder(close));
  }
  // Closes the kill-switch just made (or may have made, if it failed) are booked in this cycle.
  if (managed === null || managed.closes.length > 0) await attempt('reconcile', () => steps.reconcile(input));
}

export async function scalperCycle(input: BotRef): Promise<CycleCounts> {
  const info = workflowInfo();
  const startedAt = info.runStartTime.getTime();
  const timing = cycleTiming(info.runTimeoutMs);
  const steps = stepsFor(timing);
  const progress: Progress = { step: '', timedOut: null };
  const counts: CycleCounts = {
    strategies: 0,
    bars: 0,
    signals: 0,
    decisions: 0,
    orders: 0,
    ordersFilled: 0,
    ordersRejected: 0,
    closes: 0,
  };
  const failures: unknown[] = [];
  const story = newStory();
  await withDeadline(timing.tradeDeadlineMs, startedAt, progress, async () => {
    try {
      await trade(steps, input, counts, story, progress);
    } catch (error) {
      if (isCancellation(error)) throw error;
      failures.push(error);
    }
  });
  // A bot that no longer exists has nothing to manage: every step would fail the same way.
  if (failureType(failures[0]) !== 'BotNotFound')
    await withDeadline(timing.riskDeadlineMs, startedAt, progress, () =>
      manageRisk(steps, input, counts, failures, story, progress),
    );
  const traded = tradeSearchAttributes(story);
  if (traded.length > 0) upsertSearchAttributes(traded);

  const error = [
    ...(progress.timedOut ? [`timed out: ${progress.timedOut}`] : []),
    ...failures.map(describeFailure),
  ].join('; ');
  if (error) tell(story, `failed: ${error}`);
  const outcome = progress.timedOut ? 'timed_out' : failures.length === 0 ? 'completed' : 'failed';
  await steps.recordCycle({
    ...input,
    workflowId: info.workflowId,
    runId: info.runId,
    startedAt,
    counts,
    outcome,
    ...(error ? { error } : {}),
  });
  if (progress.timedOut) {
    log.warn('cycle timed out', { botId: input.botId, error });
    throw ApplicationFailure.nonRetryable(error, 'CycleTimedOut');
  }
  const [first] = failures;
  if (first !== undefined) {
    log.warn('cycle failed', { botId: input.botId, error });
    // A Temporal failure (an activity's, with its cause chain) fails the run as it is.
    throw first instanceof TemporalFailure ? first : ApplicationFailure.nonRetryable(error, 'CycleFailed');
  }
  return counts;
}
