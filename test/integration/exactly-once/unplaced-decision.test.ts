// An open decision whose placeOrders step never wrote an Order still ends in a terminal order
// state, and a late attempt for it sends nothing.
import { placeOrdersActivity } from '../../../activities/place-orders.ts';
import { NEVER_SENT_GRACE_MS } from '../../../activities/broker-reconciliation.ts';
import { reconcileActivity } from '../../../activities/reconcile.ts';
import { AuditLog, Decision, Order, Signal, type IBot } from '../../../db/entities/index.ts';
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
});
