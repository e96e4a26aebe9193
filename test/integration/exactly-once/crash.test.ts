// Orders exactly once (README): a worker killed (kill -9) at any point of an order's life still ends with exactly
// one broker order per decision. The worker is a child process that SIGKILLs itself at the crash
// point; a second worker on the same task queue finishes the cycle after the activity times out.
// The cases run at once (jest runs a describe's concurrent tests together; each has its own bot,
// account and task queue): most of each is that timeout.
import { BotSchedules } from '../../../bots/schedule.ts';
import { BotService } from '../../../bots/service.ts';
import { brokerSymbolCatalog } from '../../../brokers/symbol-catalog.ts';
import { AuditLog, type IBot } from '../../../db/entities/index.ts';
import type { TemporalConnections } from '../../../infra/startup.ts';
import { scalperCycle } from '../../../workflows/index.ts';
import type { CrashPoint } from '../../support/crash-broker.ts';
import {
  CRASH_LINE_PREFIX,
  READY_LINE,
  RESUMED_LINE_PREFIX,
  spawnCrashWorker,
  type CrashWorkerProcess,
} from '../../support/crash-worker-process.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { pinBarMinute } from '../../support/firing-minute.ts';
import { connectTestTemporal, uniqueTaskQueue } from '../../support/temporal.ts';
import { brokerRecordOf } from './broker-record.ts';

const SEED = 7;
const LOOKBACK = 120;
/**
 * The placeOrders attempt a dead worker held is retried only after its 15 s start-to-close timeout;
 * the four cases start their workers at once, on 2 cores.
 */
const CRASH_TEST_TIMEOUT = 120_000;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 18, 12), { lookback: LOOKBACK, clear: false });

let db: TestDatabase;
let temporal: TemporalConnections;
let bots: BotService;
const scheduleQueue = uniqueTaskQueue('unpolled');
const children: CrashWorkerProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  temporal = await connectTestTemporal();
  bots = new BotService(db.orm.em, new BotSchedules(temporal.client, scheduleQueue), brokerSymbolCatalog());
});

afterAll(async () => {
  await Promise.all(children.map((child) => child.stop()));
  await temporal.close();
  await db.drop();
});

function startWorker(taskQueue: string, crashPoint?: CrashPoint): CrashWorkerProcess {
  const child = spawnCrashWorker({
    DATABASE_URL: db.url,
    CRASH_TASK_QUEUE: taskQueue,
    CRASH_SCHEDULE_QUEUE: scheduleQueue,
    CRASH_CLOCK_MS: String(firing.now),
    CRASH_FEED_SEED: String(SEED),
    ...(crashPoint ? { CRASH_POINT: crashPoint } : {}),
  });
  children.push(child);
  return child;
}

function newBot(name: string): Promise<IBot> {
  return bots.create({
    name,
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    lookback: LOOKBACK,
    autoTrade: true,
    brokerAccount: `paper-crash-${name}`,
    riskSettings: { decisionMinScore: 0 },
    scheduleIntervalSeconds: 3600,
  });
}

/** Runs one cycle whose first worker dies at `crashPoint`; a fresh worker finishes it. */
async function cycleThroughCrash(bot: IBot, crashPoint: CrashPoint) {
  const taskQueue = uniqueTaskQueue(`crash-${crashPoint}`);
  const doomed = startWorker(taskQueue, crashPoint);
  await doomed.waitForLine(READY_LINE);
  const handle = await temporal.client.workflow.start(scalperCycle, {
    taskQueue,
    workflowId: `crash-cycle-${bot.id}-${crashPoint}`,
    args: [{ botId: bot.id }],
    workflowRunTimeout: '2 minutes',
  });
  const exit = await doomed.exited;
  expect({ exit, crashed: doomed.output().includes(`${CRASH_LINE_PREFIX}${crashPoint}`) }).toEqual({
    exit: { code: null, signal: 'SIGKILL' },
    crashed: true,
  });
  const rescuer = startWorker(taskQueue);
  const counts = await handle.result();
  await rescuer.stop();
  return counts;
}

async function expectExactlyOnce(bot: IBot) {
  const record = await brokerRecordOf(db, bot, SEED, firing.now);
  expect(record.orders).toHaveLength(1);
  const [order] = record.orders;
  expect(order).toMatchObject({ status: 'filled' });
  expect(record.brokerOrders.map((o) => o.comment)).toEqual([order!.clientOrderId]);
  expect(record.brokerOrders[0]!.ticket).toBe(order!.brokerTicket);
  expect(record.entryDeals).toHaveLength(1);
  expect(record.executions.map((e) => ({ deal: e.brokerDealId, order: e.order?.id }))).toEqual([
    { deal: record.entryDeals[0]!.ticket, order: order!.id },
  ]);
  return order!;
}

async function auditEvents(bot: IBot): Promise<string[]> {
  const rows = await db.orm.em.fork().find(AuditLog, { bot: bot.id, entity: 'order' }, { orderBy: { id: 'asc' } });
  return rows.map((row) => row.event);
}

describe('a worker killed, or hung, while an order is in flight', () => {
  it.concurrent(
    'after the Order row is sent, before the broker call: the retry finds nothing at the broker and sends once',
    async () => {
      const bot = await newBot('before-send');
      const counts = await cycleThroughCrash(bot, 'before_send');
      expect(counts).toMatchObject({ decisions: 1, orders: 1 });
      const order = await expectExactlyOnce(bot);
      expect(order.attempts).toBe(2);
      expect(await auditEvents(bot)).toEqual(['order_placed']);
    },
    CRASH_TEST_TIMEOUT,
  );

  it.concurrent(
    'after the broker executed, before the reply: the retry adopts the broker order instead of resending',
    async () => {
      const bot = await newBot('after-execute');
      const counts = await cycleThroughCrash(bot, 'after_execute');
      expect(counts).toMatchObject({ decisions: 1, orders: 1 });
      const order = await expectExactlyOnce(bot);
      expect(order.attempts).toBe(1);
      expect(await auditEvents(bot)).toEqual(['order_adopted']);
    },
    CRASH_TEST_TIMEOUT,
  );

  it.concurrent(
    'after placeOrders returned, before reconcile: the order is not sent again and its fill is recorded once',
    async () => {
      const bot = await newBot('before-reconcile');
      const counts = await cycleThroughCrash(bot, 'before_reconcile');
      expect(counts).toMatchObject({ decisions: 1, orders: 1 });
      const order = await expectExactlyOnce(bot);
      expect(order.attempts).toBe(1);
      expect(await auditEvents(bot)).toEqual(['order_placed']);
    },
    CRASH_TEST_TIMEOUT,
  );

  it.concurrent(
    'a send that hangs past the activity timeout: the retry does not resend while the first send is still in flight',
    async () => {
      const bot = await newBot('stall');
      const taskQueue = uniqueTaskQueue('crash-stall');
      const stalled = startWorker(taskQueue, 'stall_in_send');
      await stalled.waitForLine(READY_LINE);
      const handle = await temporal.client.workflow.start(scalperCycle, {
        taskQueue,
        workflowId: `crash-cycle-${bot.id}-stall`,
        args: [{ botId: bot.id }],
        workflowRunTimeout: '2 minutes',
      });
      await stalled.waitForLine(`${CRASH_LINE_PREFIX}stall_in_send`);
      // A second worker is there for the retry; the stalled one keeps polling too, as a slow worker would.
      startWorker(taskQueue);
      expect(await handle.result()).toMatchObject({ decisions: 1, orders: 1 });
      // The stalled send reaches the broker after the cycle is over: count only once it has.
      await stalled.waitForLine(`${RESUMED_LINE_PREFIX}stall_in_send`);
      await expectExactlyOnce(bot);
    },
    CRASH_TEST_TIMEOUT,
  );
});
