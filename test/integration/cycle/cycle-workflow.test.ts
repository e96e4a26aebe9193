// The cycle workflow's sequencing on the real Temporal dev server, with hand-written activities
// (the samples-typescript way: a real Worker on its own task queue, mocked activities). Each run
// gets its own scenario, looked up by workflow id, that records every activity call in order.
// Longer than most files on purpose: one worker for every branch of one workflow, side by side.
import { randomUUID } from 'node:crypto';
import { activityInfo, ApplicationFailure } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure } from '@temporalio/common';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { CycleActivities } from '../../../activities/index.ts';
import type {
  BarWindow,
  CycleCounts,
  CycleRecord,
  DecisionSummary,
  FiredSignal,
  OrderOutcome,
} from '../../../activities/types.ts';
import type { TemporalConnections } from '../../../infra/startup.ts';
import { scalperCycle } from '../../../workflows/index.ts';
import { connectTestTemporal, connectTestWorkerTemporal, uniqueTaskQueue } from '../../support/temporal.ts';
import { testWorkflowCode } from '../../support/test-worker.ts';

type Step = keyof CycleActivities;
type Mock<K extends Step> = (input: Parameters<CycleActivities[K]>[0]) => ReturnType<CycleActivities[K]>;
type Mocks = { [K in Step]?: Mock<K> };

interface Call {
  name: Step;
  input: unknown;
}

interface Scenario {
  calls: Call[];
  mocks: Mocks;
}

const BOT_ID = 1;
const TRADING_STEPS = ['fetchCandles', 'runStrategies', 'evaluateRisk', 'placeOrders'] as const;
const WINDOW: BarWindow = {
  symbol: 'XAUUSDm',
  count: 120,
  firstOpenTime: Date.UTC(2026, 10, 18, 10),
  lastOpenTime: Date.UTC(2026, 10, 18, 10) + 119 * 60_000,
  lastClose: 2650.5,
};
const SIGNALS: FiredSignal[] = [
  { signalId: 11, strategy: 'pin_bar', direction: 'buy', score: 0.8 },
  { signalId: 12, strategy: 'range_reversion', direction: 'buy', score: 0.7 },
];
/** Decision ids 35 and 36 are `z` and `10` in base 36. */
const OPENS: DecisionSummary[] = [
  { decisionId: 35, signalId: 11, strategy: 'pin_bar', action: 'open', reason: 'all checks passed' },
  { decisionId: 36, signalId: 12, strategy: 'range_reversion', action: 'open', reason: 'all checks passed' },
];
const ORDER_REQUESTS = [
  { decisionId: 35, clientOrderId: 'se1-z' },
  { decisionId: 36, clientOrderId: 'se1-10' },
];
const NO_COUNTS: CycleCounts = {
  strategies: 0,
  bars: 0,
  signals: 0,
  decisions: 0,
  orders: 0,
  ordersFilled: 0,
  ordersRejected: 0,
  closes: 0,
};

function outcome(clientOrderId: string, fields: Partial<OrderOutcome>): OrderOutcome {
  return {
    clientOrderId,
    purpose: 'open',
    closeReason: null,
    symbol: 'XAUUSDm',
    side: 'buy',
    volume: 0.13,
    price: 2650.6,
    status: 'filled',
    retcode: 10009,
    retcodeName: 'TRADE_RETCODE_DONE',
    brokerTicket: '5001',
    error: null,
    ...fields,
  };
}

const FILLED = outcome('se1-z', {});
const REJECTED = outcome('se1-10', {
  status: 'rejected',
  retcode: 10019,
  retcodeName: 'TRADE_RETCODE_NO_MONEY',
  brokerTicket: null,
  error: '10019 TRADE_RETCODE_NO_MONEY',
});

/** A cycle where everything works: two signals, two open decisions, both filled, nothing to manage. */
const DEFAULTS: Required<Mocks> = {
  fetchCandles: async () => ({ window: WINDOW, bid: 2650.4, ask: 2650.6, spreadPoints: 20 }),
  runStrategies: async () => ({ strategiesRun: ['pin_bar', 'range_reversion'], signals: SIGNALS, duplicates: 0 }),
  evaluateRisk: async () => OPENS,
  placeOrders: async ({ orders }) =>
    orders.map((order, i) => outcome(order.clientOrderId, { brokerTicket: String(5001 + i) })),
  reconcile: async () => ({
    newExecutions: 0,
    positionsOpened: 0,
    positionsClosed: 0,
    ordersFilled: 0,
    ordersAdopted: 0,
    ordersCancelled: 0,
    openPositions: 0,
  }),
  managePositions: async () => ({ trailed: 0, killSwitchTripped: false, closes: [] }),
  recordCycle: async () => undefined,
  closePositions: async () => ({ closed: [], failed: [], orders: [] }),
};

/** A failure no retry is spent on, as the real activities throw for errors no retry cures. */
function fails(step: Step, type = 'MockFailure'): () => Promise<never> {
  return async () => {
    throw ApplicationFailure.nonRetryable(`${step} failed on purpose`, type);
  };
}

const scenarios = new Map<string, Scenario>();

function recording<K extends Step>(name: K): Mock<K> {
  return (async (input: Parameters<CycleActivities[K]>[0]) => {
    const scenario = scenarios.get(activityInfo().workflowExecution?.workflowId ?? '');
    if (!scenario) throw ApplicationFailure.nonRetryable(`no scenario for this run`, 'NoScenario');
    scenario.calls.push({ name, input });
    const mock = (scenario.mocks[name] ?? DEFAULTS[name]) as Mock<K>;
    return mock(input);
  }) as Mock<K>;
}

let temporal: TemporalConnections;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
const taskQueue = uniqueTaskQueue('cycle-workflow');

beforeAll(async () => {
  temporal = await connectTestTemporal();
  // NativeConnection.connect({ address: TEMPORAL_ADDRESS }), checked against the namespace.
  connection = await connectTestWorkerTemporal();
  const activities = Object.fromEntries((Object.keys(DEFAULTS) as Step[]).map((name) => [name, recording(name)]));
  worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    ...testWorkflowCode(),
    activities,
  });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await temporal?.close();
});

interface CycleRun {
  workflowId: string;
  runId: string;
  calls: Call[];
  result: { ok: true; counts: CycleCounts } | { ok: false; error: unknown };
}

async function runCycle(mocks: Mocks = {}): Promise<CycleRun> {
  const workflowId = `cycle-workflow-${randomUUID()}`;
  const scenario: Scenario = { calls: [], mocks };
  scenarios.set(workflowId, scenario);
  const handle = await temporal.client.workflow.start(scalperCycle, {
    taskQueue,
    workflowId,
    args: [{ botId: BOT_ID }],
  });
  const result = await handle.result().then(
    (counts) => ({ ok: true as const, counts }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { workflowId, runId: handle.firstExecutionRunId, calls: scenario.calls, result };
}

const names = (run: CycleRun) => run.calls.map((call) => call.name);
const inputsOf = (run: CycleRun, name: Step) => run.calls.filter((call) => call.name === name).map((c) => c.input);

function recorded(run: CycleRun): CycleRecord {
  const records = inputsOf(run, 'recordCycle');
  expect(records).toHaveLength(1);
  return records[0] as CycleRecord;
}

/** The run failed with the activity failure of `step`, whose cause has `type`. */
function expectFailedAt(run: CycleRun, step: Step, type: string): void {
  if (run.result.ok) throw new Error(`the run completed with ${JSON.stringify(run.result.counts)}`);
  const { error } = run.result;
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ActivityFailure);
  expect((cause as ActivityFailure).activityType).toBe(step);
  expect(cause?.cause).toBeInstanceOf(ApplicationFailure);
  expect((cause?.cause as ApplicationFailure).type).toBe(type);
}

describe('scalper cycle workflow (mocked activities)', () => {
  it('counts a rejected order as data, then reconciles again after the kill-switch closes', async () => {
    const close = outcome('sx1-3vh-1', { purpose: 'close', brokerTicket: '5003' });
    const run = await runCycle({
      placeOrders: async () => [FILLED, REJECTED],
      managePositions: async () => ({ killSwitchTripped: true, trailed: 0, closes: [close] }),
    });

    expect(names(run)).toEqual([
      'fetchCandles',
      'runStrategies',
      'evaluateRisk',
      'placeOrders',
      'reconcile',
      'managePositions',
      'reconcile',
      'recordCycle',
    ]);
    expect(inputsOf(run, 'fetchCandles')).toEqual([{ botId: BOT_ID }]);
    expect(inputsOf(run, 'runStrategies')).toEqual([{ botId: BOT_ID, window: WINDOW }]);
    expect(inputsOf(run, 'evaluateRisk')).toEqual([{ botId: BOT_ID, signalIds: [11, 12] }]);
    expect(inputsOf(run, 'placeOrders')).toEqual([{ botId: BOT_ID, orders: ORDER_REQUESTS }]);
    expect(inputsOf(run, 'reconcile')).toEqual([{ botId: BOT_ID }, { botId: BOT_ID }]);
    expect(inputsOf(run, 'managePositions')).toEqual([{ botId: BOT_ID }]);

    const counts: CycleCounts = {
      strategies: 2,
      bars: 120,
      signals: 2,
      decisions: 2,
      orders: 2,
      ordersFilled: 1,
      ordersRejected: 1,
      closes: 1,
    };
    const record = recorded(run);
    expect(record).toEqual({
      botId: BOT_ID,
      workflowId: run.workflowId,
      runId: run.runId,
      startedAt: expect.any(Number),
      counts,
      outcome: 'completed',
    });
    expect(run.result).toEqual({ ok: true, counts });
  });

  it.each(TRADING_STEPS)('a failing %s: later trading steps skipped, risk managed, cycle failed', async (step) => {
    const run = await runCycle({ [step]: fails(step) });

    const tradingCalled = TRADING_STEPS.slice(0, TRADING_STEPS.indexOf(step) + 1);
    expect(names(run)).toEqual([...tradingCalled, 'reconcile', 'managePositions', 'recordCycle']);
    // What the steps before the failure had found is still counted.
    const countsSoFar: Record<(typeof TRADING_STEPS)[number], Partial<CycleCounts>> = {
      fetchCandles: {},
      runStrategies: { bars: 120 },
      evaluateRisk: { bars: 120, strategies: 2, signals: 2 },
      placeOrders: { bars: 120, strategies: 2, signals: 2, decisions: 2 },
    };
    expect(recorded(run)).toMatchObject({
      counts: { ...NO_COUNTS, ...countsSoFar[step] },
      outcome: 'failed',
      error: `${step}: ${step} failed on purpose`,
    });
    expectFailedAt(run, step, 'MockFailure');
  });

  it('counts the orders an unknown outcome left behind after placeOrders ran out of attempts', async () => {
    const unknown = outcome('se1-z', {
      status: 'unknown',
      retcode: null,
      retcodeName: null,
      brokerTicket: null,
      error: 'outcome unknown (transport error): looked up at the broker before any resend',
    });
    const filled = outcome('se1-10', { brokerTicket: '5002' });
    const run = await runCycle({
      placeOrders: async () => {
        throw ApplicationFailure.create({
          type: 'BrokerOutcomeUnknown',
          message: `order se1-z: ${unknown.error}`,
          details: [[unknown, filled]],
        });
      },
    });

    expect(names(run)).toEqual([
      'fetchCandles',
      'runStrategies',
      'evaluateRisk',
      // Retried: 4 attempts in all (1 s, 2 s, 4 s apart).
      'placeOrders',
      'placeOrders',
      'placeOrders',
      'placeOrders',
      'reconcile',
      'managePositions',
      'recordCycle',
    ]);
    expect(inputsOf(run, 'placeOrders')).toEqual(Array(4).fill({ botId: BOT_ID, orders: ORDER_REQUESTS }));
    const record = recorded(run);
    expect(record.counts).toEqual({
      ...NO_COUNTS,
      bars: 120,
      strategies: 2,
      signals: 2,
      decisions: 2,
      orders: 2,
      ordersFilled: 1,
    });
    expect(record.outcome).toBe('failed');
    expect(record.error).toBe(`placeOrders: order se1-z: ${unknown.error}`);
    expectFailedAt(run, 'placeOrders', 'BrokerOutcomeUnknown');
  }, 30_000);

  it('manages positions after a failing reconcile', async () => {
    const run = await runCycle({ reconcile: fails('reconcile') });

    expect(names(run)).toEqual([...TRADING_STEPS, 'reconcile', 'managePositions', 'recordCycle']);
    expect(recorded(run)).toMatchObject({
      counts: { orders: 2, ordersFilled: 2, ordersRejected: 0, closes: 0 },
      outcome: 'failed',
      error: 'reconcile: reconcile failed on purpose',
    });
    expectFailedAt(run, 'reconcile', 'MockFailure');
  });

  it('reconciles again after a failing managePositions, which may have closed something', async () => {
    const run = await runCycle({ managePositions: fails('managePositions') });

    expect(names(run)).toEqual([...TRADING_STEPS, 'reconcile', 'managePositions', 'reconcile', 'recordCycle']);
    expect(recorded(run)).toMatchObject({
      counts: { orders: 2, ordersFilled: 2, closes: 0 },
      outcome: 'failed',
      error: 'managePositions: managePositions failed on purpose',
    });
    expectFailedAt(run, 'managePositions', 'MockFailure');
  });

  it('keeps every failure in the error, and fails the run with the first', async () => {
    const run = await runCycle({ evaluateRisk: fails('evaluateRisk'), managePositions: fails('managePositions') });

    expect(names(run)).toEqual([
      'fetchCandles',
      'runStrategies',
      'evaluateRisk',
      'reconcile',
      'managePositions',
      'reconcile',
      'recordCycle',
    ]);
    expect(recorded(run).error).toBe(
      'evaluateRisk: evaluateRisk failed on purpose; managePositions: managePositions failed on purpose',
    );
    expectFailedAt(run, 'evaluateRisk', 'MockFailure');
  });

  it('sends nothing for a halted bot, but still reconciles and manages its positions', async () => {
    const halted = OPENS.map((decision) => ({
      ...decision,
      action: 'ignore' as const,
      reason: 'failed trading_state: trading is halted by the global kill-switch',
    }));
    const run = await runCycle({ evaluateRisk: async () => halted });

    expect(names(run)).toEqual([
      'fetchCandles',
      'runStrategies',
      'evaluateRisk',
      'reconcile',
      'managePositions',
      'recordCycle',
    ]);
    const counts = { ...NO_COUNTS, bars: 120, strategies: 2, signals: 2 };
    expect(recorded(run)).toMatchObject({ counts, outcome: 'completed' });
    expect(recorded(run)).not.toHaveProperty('error');
    expect(run.result).toEqual({ ok: true, counts });
  });

  it('decides nothing without a signal: no risk step, then reconciles, manages and records', async () => {
    const run = await runCycle({
      runStrategies: async () => ({ strategiesRun: ['pin_bar'], signals: [], duplicates: 0 }),
    });

    expect(names(run)).toEqual(['fetchCandles', 'runStrategies', 'reconcile', 'managePositions', 'recordCycle']);
    const counts = { ...NO_COUNTS, bars: 120, strategies: 1 };
    expect(recorded(run)).toMatchObject({ counts, outcome: 'completed' });
    expect(run.result).toEqual({ ok: true, counts });
  });

  it('manages nothing for a deleted bot: records the failed cycle and fails with BotNotFound', async () => {
    const run = await runCycle({ fetchCandles: fails('fetchCandles', 'BotNotFound') });

    expect(names(run)).toEqual(['fetchCandles', 'recordCycle']);
    expect(recorded(run)).toMatchObject({
      counts: NO_COUNTS,
      outcome: 'failed',
      error: 'fetchCandles: fetchCandles failed on purpose',
    });
    expectFailedAt(run, 'fetchCandles', 'BotNotFound');
  });
});
