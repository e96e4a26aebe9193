// The cycle workflow on the real Temporal dev server, against real PostgreSQL and the paper broker.
import type { Worker } from '@temporalio/worker';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { createPostgresStateStore } from '../../../brokers/paper/postgres-store.ts';
import { paperInstruments } from '../../../brokers/paper/index.ts';
import { BotSchedules } from '../../../bots/schedule.ts';
import { BotService } from '../../../bots/service.ts';
import { AuditLog, CycleRun, Decision, Execution, Order, Position, Signal, type IBot } from '../../../db/entities/index.ts';
import { createLogger } from '../../../infra/logger.ts';
import type { TemporalConnections } from '../../../infra/startup.ts';
import { createBrokerDirectory } from '../../../worker/brokers.ts';
import { createWorker } from '../../../worker/create-worker.ts';
import { scalperCycle } from '../../../workflows/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { findFiringMinute } from '../../support/firing-minute.ts';
import { connectTestTemporal, uniqueTaskQueue } from '../../support/temporal.ts';

const SEED = 7;
const LOOKBACK = 120;
const instrument = paperInstruments(100).find((spec) => spec.symbol === 'XAUUSDm')!;
const firing = findFiringMinute(createSyntheticFeed({ seed: SEED }), instrument, ['pin_bar'], LOOKBACK, Date.UTC(2026, 10, 18, 12));

let db: TestDatabase;
let temporal: TemporalConnections;
let worker: Worker;
let running: Promise<void>;
let bots: BotService;
let clock = firing.now;
const taskQueue = uniqueTaskQueue('cycle');

beforeAll(async () => {
  db = await createTestDatabase();
  temporal = await connectTestTemporal();
  // The bots' schedules are live (a paused one would halt the bot) but start their cycles on a
  // queue nobody polls: the tests run each cycle themselves, at a clock they control.
  const schedules = new BotSchedules(temporal.client, uniqueTaskQueue('unpolled'));
  bots = new BotService(db.orm.em, schedules);
  worker = await createWorker({
    connection: temporal.native,
    namespace: 'default',
    taskQueue,
    deps: {
      orm: db.orm,
      brokerFor: createBrokerDirectory({ store: createPostgresStateStore(db.orm), feedSeed: SEED, now: () => clock }),
      schedules,
      logger: createLogger('warn', 'test-worker'),
      now: () => clock,
    },
  });
  running = worker.run();
});

afterAll(async () => {
  worker.shutdown();
  await running;
  await temporal.close();
  await db.drop();
});

function runCycle(bot: IBot, suffix: string) {
  return temporal.client.workflow.execute(scalperCycle, { taskQueue, workflowId: `test-cycle-${bot.id}-${suffix}`, args: [{ botId: bot.id }] });
}

function newBot(name: string, overrides: { autoTrade: boolean }) {
  return bots.create({
    name,
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    lookback: LOOKBACK,
    brokerAccount: `paper-${name}`,
    riskSettings: { decisionMinScore: 0 },
    scheduleIntervalSeconds: 3600,
    ...overrides,
  });
}

describe('scalper cycle', () => {
  it('takes a signal through Decision, Order and Execution to a Position, all linked', async () => {
    clock = firing.now;
    const bot = await newBot('end-to-end', { autoTrade: true });
    const counts = await runCycle(bot, 'first');
    expect(counts).toMatchObject({ strategies: 1, bars: LOOKBACK, signals: 1, decisions: 1, orders: 1 });

    const em = db.orm.em.fork();
    const signal = await em.findOneOrFail(Signal, { bot: bot.id });
    expect(signal).toMatchObject({ strategy: 'pin_bar', direction: firing.signal.direction, source: 'scalper_engine' });
    expect(signal.barTime.getTime()).toBe(firing.signal.barOpenTime);
    expect(signal.payload).toEqual(firing.signal.features);

    const decision = await em.findOneOrFail(Decision, { signal: signal.id });
    expect(decision.action).toBe('open');
    expect(decision.reason).toBe('all checks passed');
    expect(decision.checks.length).toBeGreaterThan(5);
    expect(decision.checks.every((check) => check.passed)).toBe(true);

    const order = await em.findOneOrFail(Order, { decision: decision.id });
    expect(order).toMatchObject({ status: 'filled', retcode: 10009, retcodeName: 'TRADE_RETCODE_DONE', side: signal.direction });
    expect(order.clientOrderId.length).toBeLessThanOrEqual(26);

    const execution = await em.findOneOrFail(Execution, { order: order.id });
    expect(execution).toMatchObject({ entry: 'in', brokerPositionId: order.brokerTicket, volume: order.volume });

    const position = await em.findOneOrFail(Position, { brokerPositionId: execution.brokerPositionId });
    expect(position).toMatchObject({ status: 'open', side: signal.direction, volume: order.volume, bot: expect.objectContaining({ id: bot.id }) });
    expect(position.openingOrder?.id).toBe(order.id);

    const cycle = await em.findOneOrFail(CycleRun, { bot: bot.id });
    expect(cycle).toMatchObject({ outcome: 'completed', signals: 1, decisions: 1, orders: 1, bars: LOOKBACK });
  });

  it('never signals twice for the same bar, however often the cycle runs', async () => {
    clock = firing.now;
    const bot = await newBot('dedupe', { autoTrade: true });
    await runCycle(bot, 'first');
    clock = firing.now + 10_000; // same closed bar, a later cycle
    const again = await runCycle(bot, 'second');
    expect(again).toMatchObject({ signals: 0, decisions: 0, orders: 0 });

    const em = db.orm.em.fork();
    expect(await em.count(Signal, { bot: bot.id })).toBe(1);
    expect(await em.count(Order, { bot: bot.id })).toBe(1);
    expect(await em.count(CycleRun, { bot: bot.id })).toBe(2);
  });

  it('records the reason when a signal is skipped, and sends nothing', async () => {
    clock = firing.now;
    const bot = await newBot('manual', { autoTrade: false });
    const counts = await runCycle(bot, 'first');
    expect(counts).toMatchObject({ signals: 1, decisions: 0, orders: 0 });

    const em = db.orm.em.fork();
    const decision = await em.findOneOrFail(Decision, { signal: { bot: bot.id } });
    expect(decision.action).toBe('ignore');
    expect(decision.reason).toMatch(/auto/i);
    expect(decision.checks.find((check) => !check.passed)?.name).toMatch(/auto/i);
    const audit = await em.findOneOrFail(AuditLog, { bot: bot.id, event: 'signal_skipped' });
    expect(audit.reason).toBe(decision.reason);
    expect(await em.count(Order, { bot: bot.id })).toBe(0);
  });
});
