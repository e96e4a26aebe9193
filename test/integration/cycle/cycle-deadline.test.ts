// A cycle that runs past its deadline, on the real dev server with mocked activities: started with
// the run timeout a schedule gives it, a candles fetch that hangs through its attempts is cut at the
// trading deadline; positions are still reconciled and managed, and the cycle is recorded as
// timed out (naming the step) before the run timeout, instead of vanishing with no record.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { CycleActivities } from '../../../activities/index.ts';
import type { CycleRecord } from '../../../activities/types.ts';
import type { TemporalConnections } from '../../../infra/startup.ts';
import { cycleTiming } from '../../../workflows/cycle-timing.ts';
import { scalperCycle } from '../../../workflows/index.ts';
import { connectTestTemporal, connectTestWorkerTemporal, uniqueTaskQueue } from '../../support/temporal.ts';
import { testWorkflowCode } from '../../support/test-worker.ts';

/** The run timeout a bot cycling every 18 s gets. */
const RUN_TIMEOUT_MS = 15_000;
const HANG_MS = 7_000;

let temporal: TemporalConnections;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
const calls: string[] = [];
const records: CycleRecord[] = [];
const taskQueue = uniqueTaskQueue('cycle-deadline');

const activities: Partial<CycleActivities> = {
  async fetchCandles() {
    calls.push('fetchCandles');
    await new Promise((resolve) => setTimeout(resolve, HANG_MS));
    throw new Error('a fetch this late is answered to nobody');
  },
  async reconcile() {
    calls.push('reconcile');
    return {
      newExecutions: 0,
      positionsOpened: 0,
      positionsClosed: 0,
      ordersFilled: 0,
      ordersAdopted: 0,
      ordersCancelled: 0,
      openPositions: 1,
    };
  },
  async managePositions() {
    calls.push('managePositions');
    return { trailed: 1, killSwitchTripped: false, closes: [] };
  },
  async recordCycle(record) {
    calls.push('recordCycle');
    records.push(record);
  },
};

beforeAll(async () => {
  temporal = await connectTestTemporal();
  connection = await connectTestWorkerTemporal();
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

it('cuts a hanging trading step at its deadline, still manages positions, and records the cycle as timed out', async () => {
  const timing = cycleTiming(RUN_TIMEOUT_MS);
  const started = Date.now();
  const handle = await temporal.client.workflow.start(scalperCycle, {
    taskQueue,
    workflowId: `cycle-deadline-${randomUUID()}`,
    args: [{ botId: 1 }],
    workflowRunTimeout: RUN_TIMEOUT_MS,
  });
  const error = await handle.result().then(
    () => null,
    (failure: unknown) => failure,
  );
  const tookMs = Date.now() - started;

  // Two attempts of the fetch (each cut by its step timeout), then the deadline; the risk steps after it.
  expect(calls).toEqual(['fetchCandles', 'fetchCandles', 'reconcile', 'managePositions', 'recordCycle']);
  expect(records).toHaveLength(1);
  expect(records[0]).toMatchObject({
    outcome: 'timed_out',
    error: `timed out: fetchCandles still running at the cycle's ${timing.tradeDeadlineMs! / 1000} s deadline`,
  });
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect((error as WorkflowFailedError).cause).toBeInstanceOf(ApplicationFailure);
  expect(((error as WorkflowFailedError).cause as ApplicationFailure).type).toBe('CycleTimedOut');
  // Cut at the trading deadline, well inside the run timeout.
  expect(tookMs).toBeGreaterThanOrEqual(timing.tradeDeadlineMs!);
  expect(tookMs).toBeLessThan(RUN_TIMEOUT_MS);
}, 30_000);
