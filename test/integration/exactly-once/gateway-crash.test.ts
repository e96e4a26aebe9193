// Orders exactly once over HTTP: the crash tests again, with the bot on an mt5-gateway account
// served by the real Python gateway on its simulated terminal. The worker is a child process that
// SIGKILLs itself at the crash point; a second worker finishes the cycle, and the terminal's own
// books must show exactly one order and one entry deal per decision. The four points run at once
// (one bot each, on one simulated account), so the file waits out the activity timeout only once.
import { BotSchedules } from '../../../bots/schedule.ts';
import { BotService } from '../../../bots/service.ts';
import { engineBrokerDirectory } from '../../../bots/broker-directory.ts';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { AuditLog, Execution, Order, type IBot } from '../../../db/entities/index.ts';
import type { TemporalConnections } from '../../../infra/startup.ts';
import { scalperCycle } from '../../../workflows/index.ts';
import { CRASH_POINTS, type CrashPoint } from '../../support/crash-broker.ts';
import {
  CRASH_LINE_PREFIX,
  READY_LINE,
  RESUMED_LINE_PREFIX,
  spawnCrashWorker,
  type CrashWorkerProcess,
} from '../../support/crash-worker-process.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { pinBarMinute } from '../../support/firing-minute.ts';
import { type GatewayProcess, startGateway } from '../../support/gateway-process.ts';
import { connectTestTemporal, uniqueTaskQueue } from '../../support/temporal.ts';
import {
  feedScenarioBody,
  gatewayBroker,
  registerGatewayAccount,
  SERVER_UTC_OFFSET_HOURS,
  simulator,
} from '../brokers/mt5-gateway-harness.ts';

const SEED = 7;
const LOOKBACK = 120;
const ACCOUNT = 'gw-crash';
const TOKEN_ENV = 'GW_CRASH_TOKEN';
const TOKEN = 'crash-over-http';
/** Longer than a minute of the slowest fault, shorter than the 15 s placeOrders timeout. */
const GATEWAY_TRADE_TIMEOUT_MS = 2_000;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 18, 12), { lookback: LOOKBACK, clear: false });
const feed = createSyntheticFeed({ seed: SEED });

let db: TestDatabase;
let temporal: TemporalConnections;
let gateway: GatewayProcess;
let bots: BotService;
const scheduleQueue = uniqueTaskQueue('unpolled');
const children: CrashWorkerProcess[] = [];

beforeAll(async () => {
  [db, temporal, gateway] = await Promise.all([
    createTestDatabase(),
    connectTestTemporal(),
    startGateway({
      token: TOKEN,
      tradeTimeoutMs: GATEWAY_TRADE_TIMEOUT_MS,
      serverUtcOffsetHours: SERVER_UTC_OFFSET_HOURS,
    }),
  ]);
  const bars = feed.barsBetween('XAUUSDm', firing.now - (LOOKBACK + 10) * 60_000, firing.now + 10 * 60_000);
  await simulator(gateway).scenario(feedScenarioBody(bars, firing.now, { balance: 10_000, commissionPerLot: 0 }));
  await registerGatewayAccount(db.orm, gateway, { name: ACCOUNT, tokenEnv: TOKEN_ENV, commissionPerLot: 0 });
  bots = new BotService(
    db.orm.em,
    new BotSchedules(temporal.client, scheduleQueue),
    engineBrokerDirectory(db.orm, SEED),
  );
}, 300_000);

afterAll(async () => {
  await Promise.all(children.map((child) => child.stop()));
  await temporal?.close();
  await gateway?.stop();
  await db?.drop();
});

function startWorker(taskQueue: string, crashPoint?: CrashPoint): CrashWorkerProcess {
  const child = spawnCrashWorker({
    DATABASE_URL: db.url,
    CRASH_TASK_QUEUE: taskQueue,
    CRASH_SCHEDULE_QUEUE: scheduleQueue,
    CRASH_CLOCK_MS: String(firing.now),
    CRASH_FEED_SEED: String(SEED),
    [TOKEN_ENV]: TOKEN,
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
    brokerAccount: ACCOUNT,
    riskSettings: { decisionMinScore: 0, maxAccountPositions: 100, correlationBlock: false },
    scheduleIntervalSeconds: 3600,
  });
}

/** One cycle whose first worker dies (or stalls) at `point`; a fresh worker finishes it. */
async function cycleThroughCrash(bot: IBot, point: CrashPoint) {
  const taskQueue = uniqueTaskQueue(`gw-crash-${point}`);
  const doomed = startWorker(taskQueue, point);
  await doomed.waitForLine(READY_LINE);
  const handle = await temporal.client.workflow.start(scalperCycle, {
    taskQueue,
    workflowId: `gw-crash-cycle-${bot.id}-${point}`,
    args: [{ botId: bot.id }],
    workflowRunTimeout: '2 minutes',
  });
  if (point === 'stall_in_send') {
    await doomed.waitForLine(`${CRASH_LINE_PREFIX}${point}`);
    startWorker(taskQueue);
    const counts = await handle.result();
    // The stalled send reaches the gateway after the cycle is over: count only once it has.
    await doomed.waitForLine(`${RESUMED_LINE_PREFIX}${point}`);
    return { counts, exit: null };
  }
  const exit = await doomed.exited;
  const crashed = doomed.output().includes(`${CRASH_LINE_PREFIX}${point}`);
  const rescuer = startWorker(taskQueue);
  const counts = await handle.result();
  await rescuer.stop();
  return { counts, exit: { ...exit, crashed } };
}

/** What the simulated terminal and the database hold for one bot. */
async function recordOf(bot: IBot) {
  const broker = gatewayBroker(gateway, 0);
  const range = { from: 0, to: firing.now + 60_000 };
  const em = db.orm.em.fork();
  const orders = await em.find(Order, { bot: bot.id }, { orderBy: { id: 'asc' } });
  const executions = await em.find(Execution, { bot: bot.id }, { orderBy: { id: 'asc' } });
  const audits = await em.find(AuditLog, { bot: bot.id, entity: 'order' }, { orderBy: { id: 'asc' } });
  const brokerOrders = await broker.historyOrders(range, { magic: bot.magic });
  const deals = await broker.deals(range, { magic: bot.magic });
  return {
    orders: orders.map((o) => ({ status: o.status, attempts: o.attempts, clientOrderId: o.clientOrderId })),
    brokerOrders: brokerOrders.map((o) => ({ comment: o.comment, ticket: o.ticket })),
    brokerTickets: orders.map((o) => o.brokerTicket),
    entryDeals: deals.filter((d) => d.entry === 'in').map((d) => d.ticket),
    executionDeals: executions.map((e) => e.brokerDealId),
    auditEvents: audits.map((a) => a.event),
  };
}

/**
 * How the retry found its way: a resend after nothing reached the broker, or an adoption. A stalled
 * send races its retry, so either may be the one that counts there.
 */
const EXPECTED: Partial<Record<CrashPoint, { attempts: number; auditEvents: string[] }>> = {
  before_send: { attempts: 2, auditEvents: ['order_placed'] },
  after_execute: { attempts: 1, auditEvents: ['order_adopted'] },
  before_reconcile: { attempts: 1, auditEvents: ['order_placed'] },
};

describe('orders exactly once over HTTP, engine → mt5-gateway adapter → gateway → simulated terminal', () => {
  it('a worker killed at each point of an order, or stalled past the timeout, leaves one order at the terminal', async () => {
    const runs = await Promise.all(
      CRASH_POINTS.map(async (point) => {
        const bot = await newBot(`gw-${point.replaceAll('_', '-')}`);
        const { counts, exit } = await cycleThroughCrash(bot, point);
        return { point, bot, counts, exit };
      }),
    );
    for (const { point, bot, counts, exit } of runs) {
      if (exit !== null)
        expect({ point, exit }).toEqual({ point, exit: { code: null, signal: 'SIGKILL', crashed: true } });
      expect({ point, counts }).toMatchObject({ point, counts: { decisions: 1, orders: 1 } });
      const record = await recordOf(bot);
      const [order] = record.orders;
      expect({ point, ...record }).toEqual({
        point,
        orders: [
          {
            status: 'filled',
            clientOrderId: expect.any(String),
            attempts: EXPECTED[point]?.attempts ?? expect.any(Number),
          },
        ],
        brokerOrders: [{ comment: order!.clientOrderId, ticket: record.brokerTickets[0] }],
        brokerTickets: [expect.any(String)],
        entryDeals: [expect.any(String)],
        executionDeals: record.entryDeals,
        auditEvents: EXPECTED[point]?.auditEvents ?? [expect.stringMatching(/^order_(placed|adopted)$/)],
      });
    }
    // The terminal executed one order per bot and nothing else.
    expect((await simulator(gateway).state()).orders).toHaveLength(CRASH_POINTS.length);
  }, 120_000);
});
