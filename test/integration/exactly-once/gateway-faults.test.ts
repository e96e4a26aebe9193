// Orders exactly once over HTTP under a misbehaving terminal link: many real cycles of two bots on
// one mt5-gateway account, the real gateway on its simulated terminal injecting timeouts before
// execution, lost replies after it, hangs that hold the terminal, dropped connections and rejects.
// Afterwards the terminal's books and the audit trail must agree: one terminal order per
// clientOrderId, one Execution per deal, one terminal Order per open Decision.
import type { NativeConnection, Worker } from '@temporalio/worker';
import { NEVER_SENT_GRACE_MS } from '../../../trading/orders/index.ts';
import type { ActivityDeps } from '../../../activities/deps.ts';
import { reconcileActivity } from '../../../activities/reconcile.ts';
import { engineBrokerDirectory } from '../../../bots/broker-directory.ts';
import { BotSchedules } from '../../../bots/schedule.ts';
import { PositionCloser } from '../../../bots/position-closer.ts';
import { BotService } from '../../../bots/service.ts';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { paperInstruments } from '../../../brokers/paper/index.ts';
import { AuditLog, CycleRun, Decision, Execution, Order, type IBot } from '../../../db/entities/index.ts';
import { createLogger } from '../../../infra/logger.ts';
import { createEngineMetrics } from '../../../infra/metrics.ts';
import type { TemporalConnections } from '../../../infra/startup.ts';
import {
  STRATEGY_NAMES,
  strategyMinBars,
  strategyParamsSchema,
  type StrategyName,
} from '../../../trading/strategies/index.ts';
import { scalperCycle } from '../../../workflows/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { type GatewayProcess, startGateway } from '../../support/gateway-process.ts';
import { connectTestTemporal, connectTestWorkerTemporal, uniqueTaskQueue } from '../../support/temporal.ts';
import {
  feedScenarioBody,
  gatewayBroker,
  registerGatewayAccount,
  SERVER_UTC_OFFSET_HOURS,
  simulator,
} from '../brokers/mt5-gateway-harness.ts';
import { busiestStretch } from './firing-stretch.ts';
import { createTestWorker } from '../../support/test-worker.ts';

const SEED = 11;
const CYCLES = 40;
const ACCOUNT = 'gw-faults';
const TOKEN_ENV = 'GW_FAULTS_TOKEN';
const TOKEN = 'faults-over-http';
const COMMISSION = 3.5;
const GATEWAY_TRADE_TIMEOUT_MS = 300;
const TERMINAL = ['filled', 'partially_filled', 'rejected', 'cancelled'];
const LOOKBACK = Math.max(...STRATEGY_NAMES.map((name) => strategyMinBars(name, strategyParamsSchema.parse({}))));
const feed = createSyntheticFeed({ seed: SEED });
const instrument = paperInstruments(100).find((spec) => spec.symbol === 'XAUUSDm')!;
const stretch = busiestStretch(
  feed,
  instrument,
  [...STRATEGY_NAMES],
  LOOKBACK,
  Date.UTC(2026, 10, 18, 8),
  1440,
  CYCLES,
);
/**
 * Each bot's first cycle sends one order; the first eight sends time out before execution, so both
 * meet a timeout on all four placeOrders attempts, whatever the interleaving (reconcile must
 * cancel them). The next send executes but its reply is lost (the retry must adopt it); then a
 * reject, a dropped connection, a hang that holds the terminal past the timeout, and a 10019.
 * Seeded rates go on from there.
 */
const FAULTS = {
  script: [...Array<string>(8).fill('timeout'), 'lost_reply', 'retcode:10006', 'disconnect', 'hang', 'retcode:10019'],
  timeout_rate: 0.1,
  lost_reply_rate: 0.12,
  reject_rate: 0.1,
  reject_retcode: 10019,
  seed: 5,
};

let db: TestDatabase;
let temporal: TemporalConnections;
let gateway: GatewayProcess;
let connection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let bots: BotService;
let deps: ActivityDeps;
let clock = stretch.start;

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
  const bars = feed.barsBetween(
    'XAUUSDm',
    stretch.start - (LOOKBACK + 10) * 60_000,
    stretch.start + (CYCLES + 10) * 60_000,
  );
  await simulator(gateway).scenario(
    feedScenarioBody(bars, stretch.start, { balance: 10_000, commissionPerLot: COMMISSION, faults: FAULTS }),
  );
  await registerGatewayAccount(db.orm, gateway, { name: ACCOUNT, tokenEnv: TOKEN_ENV, commissionPerLot: COMMISSION });
  const directory = engineBrokerDirectory(db.orm, SEED);
  const schedules = new BotSchedules(temporal.client, uniqueTaskQueue('unpolled'));
  bots = new BotService(db.orm.em, schedules, directory);
  deps = {
    orm: db.orm,
    brokerFor: (account) => directory.brokerFor(account),
    schedules,
    positions: new PositionCloser(temporal.client, taskQueue),
    logger: createLogger('error', 'gateway-faults-worker'),
    metrics: createEngineMetrics(),
    now: () => clock,
  };
  connection = await connectTestWorkerTemporal();
  worker = await createTestWorker(connection, taskQueue, deps);
  running = worker.run();
}, 300_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await temporal?.close();
  await gateway?.stop();
  await db?.drop();
});

const taskQueue = uniqueTaskQueue('gateway-faults');

function newBot(name: string, strategies: StrategyName[]): Promise<IBot> {
  return bots.create({
    name,
    symbol: 'XAUUSDm',
    autoTrade: true,
    brokerAccount: ACCOUNT,
    enabledStrategies: strategies,
    lookback: LOOKBACK,
    // Every signal becomes an order: the point is many orders, not good trades.
    riskSettings: {
      decisionMinScore: 0,
      maxConcurrentPositions: 100,
      riskPerTradePct: 0.1,
      correlationBlock: false,
      cooldownAfterLossMinutes: 0,
      killSwitchMaxUnrealizedPct: 100,
    },
    scheduleIntervalSeconds: 3600,
  });
}

async function runCycles(botList: IBot[]): Promise<void> {
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    if (cycle > 0) {
      clock += 60_000;
      await simulator(gateway).advance(60_000);
    }
    await Promise.allSettled(
      botList.map((bot) =>
        temporal.client.workflow.execute(scalperCycle, {
          taskQueue,
          workflowId: `gw-faults-${bot.id}-${cycle}`,
          args: [{ botId: bot.id }],
          workflowRunTimeout: '2 minutes',
        }),
      ),
    );
  }
}

async function checkBot(bot: IBot) {
  const broker = gatewayBroker(gateway, COMMISSION);
  const range = { from: 0, to: clock + 60_000 };
  const em = db.orm.em.fork();
  const orders = await em.find(Order, { bot: bot.id, purpose: 'open' }, { orderBy: { id: 'asc' } });
  const executions = await em.find(Execution, { bot: bot.id });
  const clientOrderIds = new Set(orders.map((o) => o.clientOrderId));
  const terminalOrders = (await broker.historyOrders(range, { magic: bot.magic })).filter((o) =>
    clientOrderIds.has(o.comment),
  );
  const deals = await broker.deals(range, { magic: bot.magic });

  const perComment = new Map<string, number>();
  for (const order of terminalOrders) perComment.set(order.comment, (perComment.get(order.comment) ?? 0) + 1);
  const duplicates = [...perComment.entries()].filter(([, count]) => count > 1);
  expect({ bot: bot.name, duplicates }).toEqual({ bot: bot.name, duplicates: [] });
  // No lost fill: every deal of the bot's magic is exactly one Execution.
  expect(executions.map((e) => e.brokerDealId).sort()).toEqual(deals.map((d) => d.ticket).sort());

  const decisions = await em.find(Decision, { signal: { bot: bot.id }, action: 'open' });
  const byDecision = new Map(orders.map((o) => [o.decision?.id, o]));
  for (const decision of decisions) {
    const order = byDecision.get(decision.id);
    const atTerminal = terminalOrders.filter((o) => o.comment === order?.clientOrderId).map((o) => o.ticket);
    const filled = order?.status === 'filled' || order?.status === 'partially_filled';
    expect({ decision: decision.id, terminal: TERMINAL.includes(order?.status ?? ''), atTerminal }).toEqual({
      decision: decision.id,
      terminal: true,
      atTerminal: filled ? [order!.brokerTicket] : [],
    });
  }
  expect(orders).toHaveLength(decisions.length);

  const byStatus: Record<string, number> = {};
  for (const order of orders) byStatus[order.status] = (byStatus[order.status] ?? 0) + 1;
  return { bot: bot.name, orders: orders.length, byStatus, deals: deals.length };
}

describe('orders exactly once over HTTP against a faulty terminal link', () => {
  it(`keeps one terminal order per decision and one Execution per deal over ${CYCLES} cycles`, async () => {
    const botList = [
      await newBot('gw-faults-a', [...STRATEGY_NAMES]),
      await newBot('gw-faults-b', [...STRATEGY_NAMES]),
    ];
    await runCycles(botList);
    // The final reconcile, once every unsettled order is past the grace period.
    clock += NEVER_SENT_GRACE_MS + 60_000;
    await simulator(gateway).advance(NEVER_SENT_GRACE_MS + 60_000);
    const reconcile = reconcileActivity(deps);
    for (const bot of botList) await reconcile({ botId: bot.id });

    const results = [];
    for (const bot of botList) results.push(await checkBot(bot));
    const injected = (await simulator(gateway).state()).faults_injected;
    const summary = { stretchFiringMinutes: stretch.firingMinutes, results, injected };
    // Every fault kind reached the engine, so the checks above held against each.
    expect({ summary, kinds: Object.keys(injected).sort() }).toEqual({
      summary,
      kinds: expect.arrayContaining(['disconnect', 'hang', 'lost_reply', 'retcode:10006', 'retcode:10019', 'timeout']),
    });
    // Each cycle ran to its summary row, however its orders ended.
    for (const bot of botList) {
      const runs = await db.orm.em.fork().count(CycleRun, { bot: bot.id });
      expect({ bot: bot.name, runs }).toEqual({ bot: bot.name, runs: CYCLES });
    }
    // Some order never reached the terminal and was cancelled; some executed unseen and was adopted.
    const audits = await db.orm.em
      .fork()
      .find(AuditLog, { bot: { $in: botList.map((b) => b.id) }, event: { $in: ['order_adopted', 'order_cancelled'] } });
    expect(audits.filter((a) => a.event === 'order_adopted').length).toBeGreaterThan(0);
    expect(audits.filter((a) => a.event === 'order_cancelled').map((a) => a.reason)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^never reached the broker/)]),
    );
  }, 240_000);
});
