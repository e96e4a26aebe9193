// The cycle workflow on the real Temporal dev server, against real PostgreSQL and the paper broker.
import { Worker } from '@temporalio/worker';
import { markKillSwitchTripped } from '../../../bots/bot-rows.ts';
import {
  AuditLog,
  Bot,
  CycleRun,
  Decision,
  Execution,
  Order,
  Position,
  Signal,
  type IBot,
} from '../../../db/entities/index.ts';
import { barsToFetch } from '../../../trading/indicators/anchored-window.ts';
import { WORKFLOWS_PATH } from '../../../worker/create-worker.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { pinBarMinute } from '../../support/firing-minute.ts';

const SEED = 7;
const LOOKBACK = 120;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 18, 12), { lookback: LOOKBACK, clear: false });

let engine: TestEngine;
let clock = firing.now;
const cyclesRun: string[] = [];

beforeAll(async () => {
  engine = await startTestEngine({ feedSeed: SEED, now: () => clock, schedulesTo: 'nowhere' });
});

afterAll(() => engine.stop());

async function runCycle(bot: IBot, suffix: string) {
  const counts = await engine.runCycle(bot, suffix);
  cyclesRun.push(`test-cycle-${bot.id}-${suffix}`);
  return counts;
}

function newBot(name: string, overrides: { autoTrade: boolean; riskSettings?: Record<string, unknown> }) {
  return engine.createBot({
    name,
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    lookback: LOOKBACK,
    brokerAccount: `paper-${name}`,
    autoTrade: overrides.autoTrade,
    riskSettings: { decisionMinScore: 0, ...overrides.riskSettings },
  });
}

describe('scalper cycle', () => {
  it('takes a signal through Decision, Order and Execution to a Position, all linked', async () => {
    clock = firing.now;
    const bot = await newBot('end-to-end', { autoTrade: true });
    const counts = await runCycle(bot, 'first');
    expect(counts).toMatchObject({ strategies: 1, bars: barsToFetch(LOOKBACK), signals: 1, decisions: 1, orders: 1 });

    const em = engine.db.orm.em.fork();
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
    expect(order).toMatchObject({
      status: 'filled',
      retcode: 10009,
      retcodeName: 'TRADE_RETCODE_DONE',
      side: signal.direction,
    });
    expect(order.clientOrderId.length).toBeLessThanOrEqual(26);

    const execution = await em.findOneOrFail(Execution, { order: order.id });
    expect(execution).toMatchObject({
      entry: 'in',
      brokerPositionId: order.brokerTicket,
      volume: order.volume,
      comment: order.clientOrderId,
    });

    const position = await em.findOneOrFail(Position, { brokerPositionId: execution.brokerPositionId });
    expect(position).toMatchObject({
      status: 'open',
      side: signal.direction,
      volume: order.volume,
      bot: expect.objectContaining({ id: bot.id }),
    });
    expect(position.openingOrder?.id).toBe(order.id);

    const cycle = await em.findOneOrFail(CycleRun, { bot: bot.id });
    expect(cycle).toMatchObject({
      outcome: 'completed',
      signals: 1,
      decisions: 1,
      orders: 1,
      bars: barsToFetch(LOOKBACK),
    });
  });

  it('never signals twice for the same bar, however often the cycle runs', async () => {
    clock = firing.now;
    const bot = await newBot('dedupe', { autoTrade: true });
    await runCycle(bot, 'first');
    clock = firing.now + 10_000; // same closed bar, a later cycle
    const again = await runCycle(bot, 'second');
    expect(again).toMatchObject({ signals: 0, decisions: 0, orders: 0 });

    const em = engine.db.orm.em.fork();
    expect(await em.count(Signal, { bot: bot.id })).toBe(1);
    expect(await em.count(Order, { bot: bot.id })).toBe(1);
    expect(await em.count(CycleRun, { bot: bot.id })).toBe(2);
  });

  it('records the reason when a signal is skipped, and sends nothing', async () => {
    clock = firing.now;
    const bot = await newBot('manual', { autoTrade: false });
    const counts = await runCycle(bot, 'first');
    expect(counts).toMatchObject({ signals: 1, decisions: 0, orders: 0 });

    const em = engine.db.orm.em.fork();
    const decision = await em.findOneOrFail(Decision, { signal: { bot: bot.id } });
    expect(decision.action).toBe('ignore');
    expect(decision.reason).toMatch(/auto/i);
    expect(decision.checks.find((check) => !check.passed)?.name).toMatch(/auto/i);
    const audit = await em.findOneOrFail(AuditLog, { bot: bot.id, event: 'signal_skipped' });
    expect(audit.reason).toBe(decision.reason);
    expect(await em.count(Order, { bot: bot.id })).toBe(0);
  });

  it('trips the automatic kill-switch on unrealised loss: flattens, books the close, pauses the schedule', async () => {
    clock = firing.now;
    // A fresh position is down by its spread at once: a tiny limit makes that a breach.
    const bot = await newBot('auto-kill', { autoTrade: true, riskSettings: { killSwitchMaxUnrealizedPct: 0.001 } });
    const counts = await runCycle(bot, 'first');
    expect(counts).toMatchObject({ orders: 1 });

    const em = engine.db.orm.em.fork();
    const position = await em.findOneOrFail(Position, { bot: bot.id });
    expect(position).toMatchObject({ status: 'closed', closeReason: 'kill_switch' });
    expect(position.realizedPnl).toBeLessThan(0);
    await expect(engine.brokerFor(bot.brokerAccount).positions({ magic: bot.magic })).resolves.toEqual([]);
    const audit = await em.findOneOrFail(AuditLog, { bot: bot.id, event: 'kill_switch_tripped' });
    expect(audit.reason).toMatch(/of the balance \(limit 0\.001%\)/);
    const schedule = await engine.schedules.state(bot.id);
    expect(schedule.paused).toBe(true);
    expect(schedule.note).toMatch(/^automatic kill-switch: unrealised loss/);
    // The trip is on the bot's row too, its version raised: it holds whatever happens to the schedule.
    const row = await em.findOneOrFail(Bot, bot.id, { refresh: true });
    expect(row).toMatchObject({ killSwitchReason: audit.reason, version: bot.version + 1 });
    expect(row.killSwitchTrippedAt).toBeInstanceOf(Date);
  });

  it("opens nothing while the bot's row records a trip, though its schedule runs (unpaused from a terminal)", async () => {
    clock = firing.now;
    const bot = await newBot('tripped-running', { autoTrade: true });
    await markKillSwitchTripped(engine.db.orm.em.fork(), bot.id, 'unrealised loss 5.00% of the balance');
    expect((await engine.schedules.state(bot.id)).paused).toBe(false);
    const counts = await runCycle(bot, 'first');
    expect(counts).toMatchObject({ signals: 1, decisions: 0, orders: 0 });

    const em = engine.db.orm.em.fork();
    const decision = await em.findOneOrFail(Decision, { signal: { bot: bot.id } });
    expect(decision.action).toBe('ignore');
    expect(decision.checks.filter((check) => !check.passed)).toEqual([
      expect.objectContaining({
        name: 'trading_state',
        value: 'reducing',
        reason: expect.stringMatching(
          /^bot is reducing: automatic kill-switch tripped at \S+ \(unrealised loss 5\.00% of the balance\): positions are managed, none opened until a resume lifts it$/,
        ),
      }),
    ]);
    expect(await em.count(Order, { bot: bot.id })).toBe(0);
  });

  it('replays every recorded cycle history without a determinism error', async () => {
    // Cycles of its own through every path (orders, kill-switch closes and the second reconcile, a
    // repeated bar, a skipped signal); with the whole file, the other tests' cycles are replayed too.
    clock = firing.now;
    const trading = await newBot('replay-trading', {
      autoTrade: true,
      riskSettings: { killSwitchMaxUnrealizedPct: 0.001 },
    });
    await expect(runCycle(trading, 'first')).resolves.toMatchObject({ orders: 1, closes: 1 });
    await expect(runCycle(trading, 'again')).resolves.toMatchObject({ signals: 0, orders: 0 });
    await expect(runCycle(await newBot('replay-manual', { autoTrade: false }), 'first')).resolves.toMatchObject({
      decisions: 0,
    });
    expect(cyclesRun.length).toBeGreaterThanOrEqual(3);
    const histories = await Promise.all(
      cyclesRun.map(async (workflowId) => ({
        workflowId,
        history: await engine.temporal.client.workflow.getHandle(workflowId).fetchHistory(),
      })),
    );
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH }, histories))
      results.push(result);
    expect(results.map((r) => [r.workflowId, r.error?.message ?? null])).toEqual(cyclesRun.map((id) => [id, null]));
  });
});
