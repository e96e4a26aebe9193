// A broker reject in a real cycle (real Temporal dev server, PostgreSQL, paper broker): the reject is
// an outcome the cycle records and counts, not a failure, and risk management still runs after it.
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { paperInstruments } from '../../../brokers/paper/index.ts';
import type { BrokerPort, TradeResult } from '../../../brokers/port.ts';
import { AuditLog, CycleRun, Execution, Order, Position, type IBot } from '../../../db/entities/index.ts';
import type { StrategyName } from '../../../trading/strategies/index.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { clearOfStopsLevel, findFiringMinute, liveSignals } from '../../support/firing-minute.ts';

const SEED = 7;
const LOOKBACK = 120;
const BEFORE = Date.UTC(2026, 10, 18, 12);
const feed = createSyntheticFeed({ seed: SEED });
const instrument = paperInstruments(100).find((spec) => spec.symbol === 'XAUUSDm')!;
const firing = findFiringMinute(feed, instrument, ['pin_bar'], LOOKBACK, BEFORE);

/**
 * A minute whose last closed bar makes pin_bar fire and also another strategy, in the same
 * direction: a bot trading pin_bar there opens a position, and the same bot switched to the other
 * strategy gets a fresh signal of the same bar (signals are unique per bot, strategy and bar) that
 * the risk checks let through next to that position (same symbol, same side: no correlation block).
 * Staying on one bar keeps the position exactly as the first cycle left it (no SL/TP hit meanwhile,
 * still down by its spread), so the kill-switch's tiny limit is sure to trip in the second cycle.
 */
function findDoubleFiringMinute(): { now: number; second: StrategyName } {
  const clear = clearOfStopsLevel(instrument);
  const others: StrategyName[] = ['range_reversion', 'doji_breakout'];
  for (let minute = Math.floor(BEFORE / 60_000) * 60_000, tries = 0; tries < 20_000; minute -= 60_000, tries++) {
    const now = minute + 30_000;
    const signals = liveSignals(feed, instrument, ['pin_bar', ...others], LOOKBACK, now);
    const pinBar = signals.find((signal) => signal.strategy === 'pin_bar' && clear(signal));
    const other = signals.find((s) => s.strategy !== 'pin_bar' && s.direction === pinBar?.direction && clear(s));
    if (pinBar && other) return { now, second: other.strategy };
  }
  throw new Error('no minute where pin_bar and another strategy fire together');
}

const double = findDoubleFiringMinute();

/** While set, every open the engine sends is answered as the paper broker answers a lack of margin. */
let rejectOpens = false;
const rejectedSends: string[] = [];

function rejectingOpens(broker: BrokerPort): BrokerPort {
  return {
    ...broker,
    async placeMarketOrder(request): Promise<TradeResult> {
      if (!rejectOpens) return broker.placeMarketOrder(request);
      rejectedSends.push(request.comment);
      return {
        retcode: 10019,
        retcodeName: 'TRADE_RETCODE_NO_MONEY',
        outcome: 'rejected',
        order: null,
        deal: null,
        volume: 0,
        price: null,
        comment: request.comment,
      };
    },
  };
}

let engine: TestEngine;
let clock = firing.now;

beforeAll(async () => {
  engine = await startTestEngine({
    feedSeed: SEED,
    now: () => clock,
    schedulesTo: 'nowhere',
    wrapBroker: rejectingOpens,
  });
});

afterAll(() => engine?.stop());

beforeEach(() => {
  rejectOpens = false;
  rejectedSends.length = 0;
});

function newBot(name: string): Promise<IBot> {
  return engine.createBot({
    name,
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    lookback: LOOKBACK,
    brokerAccount: `paper-${name}`,
    autoTrade: true,
    riskSettings: { decisionMinScore: 0 },
  });
}

async function runIdOf(workflowId: string): Promise<string> {
  return (await engine.temporal.client.workflow.getHandle(workflowId).describe()).runId;
}

describe('a broker reject in a real cycle', () => {
  it('completes the cycle, records the rejected order and counts it', async () => {
    clock = firing.now;
    const bot = await newBot('reject');
    rejectOpens = true;
    const counts = await engine.runCycle(bot, 'reject');
    expect(counts).toMatchObject({
      signals: 1,
      decisions: 1,
      orders: 1,
      ordersRejected: 1,
      ordersFilled: 0,
      closes: 0,
    });

    const em = engine.db.orm.em.fork();
    const order = await em.findOneOrFail(Order, { bot: bot.id });
    expect(rejectedSends).toEqual([order.clientOrderId]);
    expect(order).toMatchObject({
      purpose: 'open',
      status: 'rejected',
      retcode: 10019,
      retcodeName: 'TRADE_RETCODE_NO_MONEY',
      brokerTicket: null,
    });
    expect(await em.count(Execution, { bot: bot.id })).toBe(0);
    expect(await em.count(Position, { bot: bot.id })).toBe(0);

    const workflowId = `test-cycle-${bot.id}-reject`;
    const runId = await runIdOf(workflowId);
    const cycle = await em.findOneOrFail(CycleRun, { bot: bot.id });
    expect(cycle).toMatchObject({
      workflowId,
      runId,
      outcome: 'completed',
      orders: 1,
      ordersRejected: 1,
      ordersFilled: 0,
    });

    const audit = await em.findOneOrFail(AuditLog, { bot: bot.id, event: 'order_rejected' });
    expect(audit).toMatchObject({ entity: 'order', entityId: order.clientOrderId, workflowId, runId });
    expect(audit.reason).toMatch(/10019 TRADE_RETCODE_NO_MONEY/);
  });

  it('still runs the kill-switch in the cycle of a reject: the open position is closed and booked', async () => {
    // Cycle 1, pin_bar: its order goes through and opens a position (the kill-switch's default limit holds).
    clock = double.now;
    const bot = await newBot('reject-kill');
    const first = await engine.runCycle(bot, 'open');
    expect(first).toMatchObject({ signals: 1, orders: 1, ordersFilled: 1, ordersRejected: 0, closes: 0 });
    const em = engine.db.orm.em.fork();
    const position = await em.findOneOrFail(Position, { bot: bot.id });
    expect(position.status).toBe('open');

    // Cycle 2, same bar, the other strategy: a fresh signal whose order the broker rejects, and a
    // kill-switch limit the position's spread already breaches.
    await engine.bots.update(bot.id, {
      enabledStrategies: [double.second],
      riskSettings: { killSwitchMaxUnrealizedPct: 0.001 },
    });
    rejectOpens = true;
    const second = await engine.runCycle(bot, 'reject');
    expect(second).toMatchObject({
      signals: 1,
      decisions: 1,
      orders: 1,
      ordersRejected: 1,
      ordersFilled: 0,
      closes: 1,
    });

    const after = engine.db.orm.em.fork();
    const rejected = await after.findOneOrFail(Order, { bot: bot.id, purpose: 'open', status: 'rejected' });
    expect(rejectedSends).toEqual([rejected.clientOrderId]);
    expect(rejected).toMatchObject({ retcode: 10019, retcodeName: 'TRADE_RETCODE_NO_MONEY' });

    const closed = await after.findOneOrFail(Position, position.id);
    expect(closed).toMatchObject({ status: 'closed', closeReason: 'kill_switch' });
    const close = await after.findOneOrFail(Order, { bot: bot.id, purpose: 'close' });
    expect(close).toMatchObject({
      status: 'filled',
      positionTicket: position.brokerPositionId,
      closeReason: 'kill_switch',
    });
    const exit = await after.findOneOrFail(Execution, { bot: bot.id, entry: 'out' });
    expect(exit.brokerPositionId).toBe(position.brokerPositionId);
    expect(exit.order?.id).toBe(close.id);

    const workflowId = `test-cycle-${bot.id}-reject`;
    const runId = await runIdOf(workflowId);
    const cycle = await after.findOneOrFail(CycleRun, { bot: bot.id, runId });
    expect(cycle).toMatchObject({ outcome: 'completed', orders: 1, ordersRejected: 1, closes: 1 });
    const audits = await after.find(AuditLog, {
      bot: bot.id,
      event: { $in: ['order_rejected', 'kill_switch_tripped'] },
    });
    expect(audits.map((a) => [a.event, a.workflowId, a.runId]).sort()).toEqual([
      ['kill_switch_tripped', workflowId, runId],
      ['order_rejected', workflowId, runId],
    ]);
  });
});
