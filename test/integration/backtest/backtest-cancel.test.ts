// Cancelling a backtest's workflow on the real Temporal dev server, with hand-written activities
// (a real Worker on its own task queue): the launcher's answer says what became of the run — the
// cancel stopped it, the run completed first, or no worker has it yet and the request waits in its
// history — and the workflow records the cancel only when it did stop the run.
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { BacktestActivities } from '../../../activities/index.ts';
import type { BacktestFailure, BacktestJob, BacktestOutcome } from '../../../activities/types.ts';
import { BacktestLauncher } from '../../../bots/backtest-launcher.ts';
import type { TemporalConnections } from '../../../infra/startup.ts';
import { connectTestTemporal, connectTestWorkerTemporal, uniqueTaskQueue } from '../../support/temporal.ts';
import { testWorkflowCode } from '../../support/test-worker.ts';

/** How a backtest's computation behaves: it stops when cancelled, or it finishes regardless. */
type Computation = 'stops-when-cancelled' | 'finishes-regardless';

const computations = new Map<number, Computation>();
const failuresRecorded = new Map<number, string[]>();
let nextBacktestId = 1;

const outcomeOf = (backtestId: number): BacktestOutcome => ({
  backtestId,
  bars: 1440,
  trades: 3,
  netPnl: 12.5,
  finalBalance: 10_012.5,
});

const activities: BacktestActivities = {
  async runBacktestJob({ backtestId }: BacktestJob) {
    const context = Context.current();
    if (computations.get(backtestId) === 'finishes-regardless') {
      // Never heartbeats, so never hears of a cancel: it completes, as a run that ends just as
      // the cancel arrives does.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return outcomeOf(backtestId);
    }
    for (;;) {
      context.heartbeat();
      await context.sleep(100);
    }
  },
  async recordBacktestFailure({ backtestId, error }: BacktestFailure) {
    failuresRecorded.set(backtestId, [...(failuresRecorded.get(backtestId) ?? []), error]);
  },
};

let temporal: TemporalConnections;
let connection: NativeConnection;
const workers: Array<{ worker: Worker; running: Promise<void> }> = [];

async function startWorker(taskQueue: string) {
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    ...testWorkflowCode(),
    activities,
    // Heartbeats reach the server at once, so a cancel reaches the activity at its next one.
    maxHeartbeatThrottleInterval: '100ms',
  });
  workers.push({ worker, running: worker.run() });
}

beforeAll(async () => {
  temporal = await connectTestTemporal();
  connection = await connectTestWorkerTemporal();
});

afterAll(async () => {
  for (const { worker } of workers) worker.shutdown();
  await Promise.all(workers.map(({ running }) => running));
  await connection?.close();
  await temporal?.close();
});

async function startBacktest(launcher: BacktestLauncher, computation: Computation) {
  const backtestId = nextBacktestId++;
  computations.set(backtestId, computation);
  const workflowId = `backtest-cancel-${backtestId}-${randomUUID()}`;
  const runId = await launcher.start({ backtestId, workflowId, symbol: 'XAUUSDm' });
  const handle = temporal.client.workflow.getHandle(workflowId, runId);
  return { backtestId, workflowId, runId, handle };
}

/** Waits until the run's activity has started on a worker. */
async function computing(handle: ReturnType<typeof temporal.client.workflow.getHandle>) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { raw } = await handle.describe();
    if ((raw.pendingActivities ?? []).some((activity) => Number(activity.state) === 2)) return;
    if (Date.now() > deadline) throw new Error('the backtest activity did not start within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('with a worker running the backtest', () => {
  const taskQueue = uniqueTaskQueue('backtest-cancel');
  let launcher: BacktestLauncher;

  beforeAll(async () => {
    await startWorker(taskQueue);
    launcher = new BacktestLauncher(temporal.client, taskQueue);
  });

  it('answers "cancelled" once the computation stopped and the failure is recorded with the reason', async () => {
    const run = await startBacktest(launcher, 'stops-when-cancelled');
    await computing(run.handle);

    expect(await launcher.cancel(run.workflowId, run.runId, 'wrong grid')).toBe('cancelled');
    expect(failuresRecorded.get(run.backtestId)).toEqual(['cancelled: wrong grid']);
    await expect(run.handle.result()).rejects.toMatchObject({
      cause: { message: 'cancelled: wrong grid', type: 'BacktestCancelled' },
    });
  });

  it('answers "ended" when the computation completes before it hears of the cancel, and records no failure', async () => {
    const run = await startBacktest(launcher, 'finishes-regardless');
    await computing(run.handle);

    expect(await launcher.cancel(run.workflowId, run.runId, 'too late')).toBe('ended');
    expect(await run.handle.result()).toEqual(outcomeOf(run.backtestId));
    expect(failuresRecorded.has(run.backtestId)).toBe(false);
  });

  it('answers "ended" for a run that has already closed', async () => {
    const run = await startBacktest(launcher, 'finishes-regardless');
    await run.handle.result();

    expect(await launcher.cancel(run.workflowId, run.runId, 'long after')).toBe('ended');
    expect(failuresRecorded.has(run.backtestId)).toBe(false);
  });
});

describe('with no worker on the task queue yet', () => {
  it('answers "stopping", keeps the request in the history, and the run stops once a worker picks it up', async () => {
    const taskQueue = uniqueTaskQueue('backtest-cancel-idle');
    const launcher = new BacktestLauncher(temporal.client, taskQueue, 1_000);
    const run = await startBacktest(launcher, 'stops-when-cancelled');

    expect(await launcher.cancel(run.workflowId, run.runId, 'worker down')).toBe('stopping');
    const events = (await run.handle.fetchHistory()).events ?? [];
    const signals = events.map((event) => event.workflowExecutionSignaledEventAttributes?.signalName);
    expect(signals).toContain('cancelBacktest');

    await startWorker(taskQueue);
    await expect(run.handle.result()).rejects.toMatchObject({
      cause: { message: 'cancelled: worker down', type: 'BacktestCancelled' },
    });
    expect(failuresRecorded.get(run.backtestId)).toEqual(['cancelled: worker down']);
  }, 30_000);
});
