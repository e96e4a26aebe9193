// An open decision whose placeOrders step never wrote an Order still ends in a terminal order
// state, and a late attempt for it sends nothing — whether reconcile or the late attempt itself
// finds it past the grace.
import { placeOrdersActivity } from '../../../activities/place-orders.ts';
import { NEVER_SENT_GRACE_MS } from '../../../trading/orders/index.ts';
import { reconcileActivity } from '../../../activities/reconcile.ts';
import { AuditLog, Decision, Order, Signal, type IBot } from '../../../db/entities/index.ts';
import { writeOpenOrder } from '../../../db/orders/outbox.ts';
import { clientOrderIdFor } from '../../../trading/orders/index.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';

let engine: TestEngine;
let bot: IBot;

beforeAll(async () => {
  engine = await startTestEngine({ feedSeed: 2, now: () => Date.UTC(2026, 10, 20, 10, 0, 30), schedulesTo: 'nowhere' });
  bot = await engine.createBot({
    name: 'unplaced',
    symbol: 'XAUUSDm',
    autoTrade: true,
    brokerAccount: 'paper-unplaced',
  });
});

afterAll(() => engine.stop());

async function openDecision(barMinute: number, ageMs: number): Promise<number> {
  const em = engine.db.orm.em.fork();
  const signal = em.create(Signal, {
    bot: bot.id,
    strategy: 'pin_bar',
    symbol: 'XAUUSDm',
    direction: 'buy',
    barTime: new Date(Date.UTC(2026, 10, 20, 9, barMinute)),
    score: 0.8,
    entryPrice: 2650.5,
    stopLoss: 2648.5,
    takeProfit: 2653.5,
    payload: {},
  });
  const decision = em.create(Decision, {
    signal,
    action: 'open',
    score: 0.8,
    reason: 'all checks passed',
    checks: [],
    volume: 0.1,
    stopLoss: 2648.5,
    takeProfit: 2653.5,
  });
  await em.flush();
  await em.execute('update decision set created_at = now() - make_interval(secs => ?) where id = ?', [
    ageMs / 1000,
    decision.id,
  ]);
  return decision.id;
}

describe('a decision placeOrders never got to', () => {
  it('is closed by reconcile with a cancelled order under its own clientOrderId, once the grace period is over', async () => {
    const stale = await openDecision(1, NEVER_SENT_GRACE_MS + 60_000);
    const fresh = await openDecision(2, 5_000);

    const result = await reconcileActivity(engine.deps)({ botId: bot.id });
    expect(result.ordersCancelled).toBe(1);

    const em = engine.db.orm.em.fork();
    const order = await em.findOneOrFail(Order, { decision: stale });
    expect(order).toMatchObject({
      clientOrderId: clientOrderIdFor(bot.id, stale),
      status: 'cancelled',
      side: 'buy',
      volume: 0.1,
    });
    expect(order.error).toMatch(/^never placed/);
    expect(await em.count(AuditLog, { entity: 'order', entityId: order.clientOrderId, event: 'order_cancelled' })).toBe(
      1,
    );
    expect(await em.count(Order, { decision: fresh })).toBe(0);

    const again = await reconcileActivity(engine.deps)({ botId: bot.id });
    expect(again.ordersCancelled).toBe(0);
  });

  it('a late placeOrders attempt for it finds the cancelled order and sends nothing', async () => {
    const stale = await openDecision(3, NEVER_SENT_GRACE_MS + 60_000);
    await reconcileActivity(engine.deps)({ botId: bot.id });
    await expect(engine.db.orm.em.fork().findOneOrFail(Order, { decision: stale })).resolves.toMatchObject({
      status: 'cancelled',
    });
    const outcomes = await placeOrdersActivity(engine.deps)({
      botId: bot.id,
      orders: [{ decisionId: stale, clientOrderId: clientOrderIdFor(bot.id, stale) }],
    });
    expect(outcomes).toEqual([expect.objectContaining({ status: 'cancelled', brokerTicket: null })]);
    const broker = engine.brokerFor(bot.brokerAccount);
    expect(await broker.historyOrders({ from: 0, to: Number.MAX_SAFE_INTEGER }, { magic: bot.magic })).toEqual([]);
  });

  it('a placeOrders attempt that comes after the grace, before any reconcile, cancels it instead of sending it late', async () => {
    const stale = await openDecision(4, NEVER_SENT_GRACE_MS + 5_000);
    const outcomes = await placeOrdersActivity(engine.deps)({
      botId: bot.id,
      orders: [{ decisionId: stale, clientOrderId: clientOrderIdFor(bot.id, stale) }],
    });
    expect(outcomes).toEqual([expect.objectContaining({ status: 'cancelled', brokerTicket: null })]);
    const em = engine.db.orm.em.fork();
    const order = await em.findOneOrFail(Order, { decision: stale });
    expect(order.error).toMatch(/^never placed: decided 12\d s ago, past the 120 s a decision may wait to be sent/);
    expect(await em.count(AuditLog, { entity: 'order', entityId: order.clientOrderId, event: 'order_cancelled' })).toBe(
      1,
    );
    const broker = engine.brokerFor(bot.brokerAccount);
    expect(await broker.historyOrders({ from: 0, to: Number.MAX_SAFE_INTEGER }, { magic: bot.magic })).toEqual([]);
  });

  it('an open written but never sent within the grace is cancelled by a late attempt, not sent', async () => {
    const decisionId = await openDecision(5, 5_000);
    const clientOrderId = clientOrderIdFor(bot.id, decisionId);
    const broker = engine.brokerFor(bot.brokerAccount);
    // Its first attempt wrote it, three minutes ago on the engine's clock, and died before the claim.
    await writeOpenOrder(
      engine.db.orm.em.fork(),
      bot,
      { decisionId, clientOrderId },
      await broker.quote('XAUUSDm'),
      engine.deps.now() - NEVER_SENT_GRACE_MS - 60_000,
      null,
    );
    const outcomes = await placeOrdersActivity(engine.deps)({ botId: bot.id, orders: [{ decisionId, clientOrderId }] });
    expect(outcomes).toEqual([expect.objectContaining({ status: 'cancelled', brokerTicket: null })]);
    const order = await engine.db.orm.em.fork().findOneOrFail(Order, { clientOrderId });
    expect(order.error).toBe(
      'never placed: written 180 s ago and never sent, past the 120 s an open may wait; not sent late, the signal is stale',
    );
    expect(await broker.historyOrders({ from: 0, to: Number.MAX_SAFE_INTEGER }, { magic: bot.magic })).toEqual([]);
  });
});
