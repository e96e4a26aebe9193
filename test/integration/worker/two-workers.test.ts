// Scale-out: two production worker processes (worker/main.ts) on one task queue, six bots cycling
// every 15 s (each at its own phase) through their real schedules on a paper account with a venue's latency. Mid-cycle, the
// worker that holds a running step is SIGKILLed; the other one carries on. Every bot then has one
// recorded cycle for every tick, the one in flight included, and every open decision has exactly
// one order — at the broker and in the audit trail (sent, or cancelled as never placed when the
// kill cut its cycle short).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { phaseOf } from '../../../bots/cycle-timing.ts';
import { BotSchedules } from '../../../bots/schedule.ts';
import { BotService } from '../../../bots/service.ts';
import { brokerSymbolCatalog } from '../../../brokers/symbol-catalog.ts';
import { BrokerAccounts } from '../../../db/broker-accounts.ts';
import { CycleRun, Decision, Order, type IBot } from '../../../db/entities/index.ts';
import { OrderStore } from '../../../db/orders/index.ts';
import { createLogger } from '../../../infra/logger.ts';
import { freePort } from '../../../infra/ports.ts';
import type { TemporalConnections } from '../../../infra/startup.ts';
import { engineBrokerDirectory } from '../../../bots/broker-directory.ts';
import { STRATEGY_NAMES } from '../../../trading/strategies/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { connectTestTemporal, uniqueTaskQueue } from '../../support/temporal.ts';

const WORKER_MAIN = fileURLToPath(new URL('../../../worker/main.ts', import.meta.url));
const INTERVAL_MS = 15_000;
const BOTS = 6;
const ACCOUNT = 'paper-two-workers';
const FEED_SEED = 7;

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

let db: TestDatabase;
let temporal: TemporalConnections;
let schedules: BotSchedules;
const taskQueue = uniqueTaskQueue('two-workers');
const bots: IBot[] = [];
const workers: WorkerProcess[] = [];

async function startWorker(): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      TEMPORAL_TASK_QUEUE: taskQueue,
      PAPER_FEED_SEED: String(FEED_SEED),
      WORKER_METRICS_PORT: String(await freePort()),
      TEMPORAL_SDK_METRICS_PORT: String(await freePort()),
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const sleepUntil = (time: number) => new Promise((resolve) => setTimeout(resolve, Math.max(time - Date.now(), 0)));

/** The pid of a worker running an activity of a cycle now (worker identities are `pid@host`). */
async function workerWithAStepInFlight(): Promise<number | null> {
  const query = `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`;
  for await (const execution of temporal.client.workflow.list({ query })) {
    const description = await temporal.client.workflow.getHandle(execution.workflowId, execution.runId).describe();
    for (const activity of description.raw.pendingActivities ?? []) {
      const pid = Number(activity.lastWorkerIdentity?.split('@')[0]);
      if (workers.some((worker) => worker.child.pid === pid)) return pid;
    }
  }
  return null;
}

beforeAll(async () => {
  db = await createTestDatabase();
  temporal = await connectTestTemporal();
  schedules = new BotSchedules(temporal.client, taskQueue);
  await new BrokerAccounts(db.orm.em.fork()).add({
    name: ACCOUNT,
    kind: 'paper',
    environment: 'demo',
    // Each broker call takes 150 ms, so a cycle lasts long enough to be caught mid-step.
    connection: { latencyMs: 150 },
  });
  const service = new BotService(db.orm.em, schedules, brokerSymbolCatalog());
  for (let i = 0; i < BOTS; i++) {
    bots.push(
      await service.create({
        name: `two-workers-${i}`,
        symbol: i % 2 === 0 ? 'XAUUSDm' : 'EURUSDm',
        brokerAccount: ACCOUNT,
        scheduleIntervalSeconds: INTERVAL_MS / 1000,
        autoTrade: true,
        enabledStrategies: [...STRATEGY_NAMES],
        riskSettings: { decisionMinScore: 0, maxAccountPositions: 0 },
      }),
    );
  }
  workers.push(await startWorker(), await startWorker());
  for (const worker of workers) await until('worker running', () => worker.output().includes('worker running'), 60_000);
}, 90_000);

afterAll(async () => {
  for (const bot of bots) await schedules?.remove(bot.id).catch(() => undefined);
  for (const worker of workers) worker.child.kill('SIGKILL');
  await temporal?.close();
  await db?.drop();
});

it('loses no tick and sends each order once when one of two workers is SIGKILLed mid-cycle', async () => {
  // A window of four whole intervals that both workers are up for; each bot fires once per interval,
  // at its own phase in it. The kill comes in the second interval, while a worker runs a step.
  const windowStart = Math.ceil(Date.now() / INTERVAL_MS) * INTERVAL_MS;
  const windowEnd = windowStart + 4 * INTERVAL_MS;
  await sleepUntil(windowStart + INTERVAL_MS);
  let victim: number | null = null;
  await until(
    'a worker running a step of a cycle',
    async () => (victim = await workerWithAStepInFlight()) !== null,
    INTERVAL_MS,
  );
  const killedAt = Date.now();
  process.kill(victim!, 'SIGKILL');
  const survivor = workers.find((worker) => worker.child.pid !== victim)!;

  // The window's last cycles finish, then nothing more starts.
  await sleepUntil(windowEnd + 12_000);
  for (const bot of bots) await schedules.pause(bot.id, 'test over');
  await until(
    'no cycle running',
    async () =>
      (await temporal.client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`)).count === 0,
    15_000,
  );

  const em = db.orm.em.fork();
  const runs = await em.find(CycleRun, { bot: { $in: bots.map((b) => b.id) } });
  for (const bot of bots) {
    const phase = phaseOf(bot.id, INTERVAL_MS / 1000);
    const tickOf = (time: number) => Math.floor((time - phase) / INTERVAL_MS) * INTERVAL_MS + phase;
    const ticks = [0, 1, 2, 3, 4]
      .map((i) => tickOf(windowStart) + i * INTERVAL_MS)
      .filter((tick) => tick >= windowStart && tick < windowEnd);
    // A schedule names each run after its nominal time (to the second): a run that started late is
    // still its tick's, not the next one's.
    const prefix = `scalper-cycle-${bot.id}-`;
    const recorded = runs
      .filter((run) => run.bot.id === bot.id && run.workflowId.startsWith(prefix))
      .map((run) => tickOf(Date.parse(run.workflowId.slice(prefix.length)) + 999))
      .filter((tick) => tick >= windowStart && tick < windowEnd)
      .sort();
    const missing = ticks.filter((tick) => !recorded.includes(tick));
    // What Temporal says of a tick with no record, for the failure message.
    const runsOfMissing = await Promise.all(
      missing.map(async (tick) => {
        const found: string[] = [];
        const query = `WorkflowId STARTS_WITH 'scalper-cycle-${bot.id}-' AND StartTime >= '${new Date(tick).toISOString()}' AND StartTime < '${new Date(tick + INTERVAL_MS).toISOString()}'`;
        for await (const run of temporal.client.workflow.list({ query }))
          found.push(`${run.workflowId} ${run.status.name}`);
        return { tick: new Date(tick).toISOString(), runs: found };
      }),
    );
    expect({ bot: bot.name, ticks: recorded, runsOfMissing }).toEqual({ bot: bot.name, ticks, runsOfMissing: [] });
  }
  // The cycle the victim was running was finished by the survivor, after a step timeout.
  const inFlight = runs.filter((run) => run.startedAt.getTime() <= killedAt && run.finishedAt.getTime() > killedAt);
  expect(Math.max(...inFlight.map((run) => run.finishedAt.getTime() - run.startedAt.getTime()))).toBeGreaterThan(3_000);
  expect(survivor.child.exitCode).toBeNull();

  // Exactly one order per open decision, in the audit trail and at the broker. The kill can push a
  // 15 s cycle past its trading deadline between its decisions and their orders; a later reconcile
  // closes such a decision with a cancelled order once its grace is over. No cycle runs now, so the
  // test runs that sweep without waiting out the grace.
  const store = new OrderStore(db.orm, { now: Date.now, logger: createLogger('silent', 'two-workers'), trace: null });
  for (const bot of bots) await store.cancelNeverPlaced(bot.id, 0);
  const opens = await em.find(
    Decision,
    { signal: { bot: { $in: bots.map((b) => b.id) } }, action: 'open' },
    { populate: ['signal'] },
  );
  const orders = await em.find(Order, { bot: { $in: bots.map((b) => b.id) }, purpose: 'open' });
  expect(orders.map((order) => order.decision?.id).sort()).toEqual(opens.map((decision) => decision.id).sort());
  // Only a cycle cut short leaves a decision unplaced: one that completed sent every order it decided.
  const neverPlaced = orders.filter((order) => order.error?.startsWith('never placed'));
  const placedByCompletedCycle = neverPlaced
    .map((order) => opens.find((decision) => decision.id === order.decision?.id)!)
    .map((decision) => ({
      decision: decision.id,
      cycle: runs.find(
        (run) =>
          run.bot.id === decision.signal.bot.id &&
          run.startedAt <= decision.createdAt &&
          decision.createdAt <= run.finishedAt,
      )?.outcome,
    }))
    .filter(({ cycle }) => cycle === 'completed');
  expect(placedByCompletedCycle).toEqual([]);
  const broker = engineBrokerDirectory(db.orm, FEED_SEED).brokerFor(ACCOUNT);
  const sent = await broker.historyOrders({ from: 0, to: Date.now() + INTERVAL_MS });
  const byComment = new Map<string, number>();
  for (const order of sent.filter((o) => o.comment.startsWith('se')))
    byComment.set(order.comment, (byComment.get(order.comment) ?? 0) + 1);
  expect([...byComment].filter(([, count]) => count > 1)).toEqual([]);
  const ids = new Set(orders.map((order) => order.clientOrderId));
  expect([...byComment.keys()].filter((comment) => !ids.has(comment))).toEqual([]);
  expect(neverPlaced.filter((order) => byComment.has(order.clientOrderId))).toEqual([]);
  const filled = orders.filter((order) => order.status === 'filled' || order.status === 'partially_filled');
  expect(filled.filter((order) => !byComment.has(order.clientOrderId))).toEqual([]);
}, 150_000);
