// A broker that may still execute a send after the engine stopped waiting for it (MetaApi: the SDK
// cannot be cut short) says for how long after the send began (lateSendMs). Until then, a step
// that does not find the order at the broker neither resends it nor lets reconcile cancel it; the
// late execution is adopted when it shows up. After that, the order is looked up and resent (or
// cancelled by reconcile) as on any broker. Real PostgreSQL and the paper broker, the activities
// in MockActivityEnvironment, the engine's clock moved by the test.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities/index.ts';
import type { ClosedPositions, FlattenRequest, OrderOutcome } from '../../../activities/types.ts';
import { AuditLog, Order, type IBot } from '../../../db/entities/index.ts';
import { closeOrderIdFor } from '../../../trading/orders/index.ts';
import { closeBookOf, openAtBroker } from '../../support/close-book.ts';
import type { TestEngine } from '../../support/engine.ts';
import { openDecision, type OpenRequest } from '../../support/open-decision.ts';
import { SCRIPTED_START, ScriptedSends, startScriptedEngine } from '../../support/scripted-sends.ts';
import { executedAtBroker, failureOf } from '../../support/order-assertions.ts';
import { paperGoldBot } from '../../support/paper-bot.ts';

/** Longer than reconcile's own 2-minute grace, so that reconcile's wait is this one's. */
const LATE_SEND_MS = 180_000;
const SECOND = 1_000;

let clock = SCRIPTED_START;
const sends = new ScriptedSends({ lateSendMs: LATE_SEND_MS, advanceClock: (ms) => (clock += ms) });
let engine: TestEngine;

beforeAll(async () => {
  engine = await startScriptedEngine(sends, () => clock);
});

afterAll(() => engine?.stop());

beforeEach(() => {
  clock = SCRIPTED_START;
});

// Wide: a late send fills seconds after the price it was sent at.
const newBot = (name: string): Promise<IBot> =>
  paperGoldBot(engine, name, { riskSettings: { deviationPoints: 100_000 } });

function placeOrders(bot: IBot, orders: OpenRequest[], attempt: number): Promise<OrderOutcome[]> {
  const environment = new MockActivityEnvironment({ attempt, activityType: 'placeOrders' });
  return environment.run(createActivities(engine.deps).placeOrders, { botId: bot.id, orders });
}

const reconcile = (bot: IBot) =>
  new MockActivityEnvironment().run(createActivities(engine.deps).reconcile, { botId: bot.id });

/** Attempt `attempt` of an operator's close-all (the flattenBot workflow's step). */
function closePositions(bot: IBot, attempt: number): Promise<ClosedPositions> {
  const request: FlattenRequest = { botId: bot.id, reason: 'operator close-all', closeReason: 'manual' };
  const environment = new MockActivityEnvironment({ attempt, activityType: 'closePositions' });
  return environment.run(createActivities(engine.deps).closePositions, request);
}

/** How often the broker really executed `clientOrderId` (its own history). */
const atBroker = (bot: IBot, clientOrderId: string) =>
  executedAtBroker(engine.brokerFor(bot.brokerAccount), bot.magic, clientOrderId);

const orderRow = (clientOrderId: string) => engine.db.orm.em.fork().findOneOrFail(Order, { clientOrderId });

const heldBack = (bot: IBot, order: OpenRequest, secondsAgo: number, sentAt: number) =>
  `order ${order.clientOrderId}: outcome unknown: not at the broker ${secondsAgo} s after its last send, which ` +
  `${bot.brokerAccount} may still execute until ${new Date(sentAt + LATE_SEND_MS).toISOString()}: ` +
  'looked up again, never resent before then';

describe('a send the broker may still execute', () => {
  it('is not resent by a retry within lateSendMs; the late execution is adopted', async () => {
    const bot = await newBot('late-adopted');
    const order = await openDecision(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, 5);
    sends.script(order.clientOrderId, 'late');

    const first = await failureOf(placeOrders(bot, [order], 1));
    expect(first.message).toContain('outcome unknown (transport error)');

    clock += 20 * SECOND;
    const second = await failureOf(placeOrders(bot, [order], 2));
    expect(second).toMatchObject({ type: 'BrokerOutcomeUnknown', nonRetryable: false });
    expect(second.message).toBe(heldBack(bot, order, 20, SCRIPTED_START));
    expect(sends.sends(order.clientOrderId)).toBe(1);
    await expect(orderRow(order.clientOrderId)).resolves.toMatchObject({ status: 'unknown', attempts: 1 });

    await expect(sends.deliverLate(order.clientOrderId)).resolves.toMatchObject({ outcome: 'success' });
    clock += 5 * SECOND;

    await expect(placeOrders(bot, [order], 3)).resolves.toEqual([expect.objectContaining({ status: 'filled' })]);
    expect(sends.sends(order.clientOrderId)).toBe(1);
    expect(await atBroker(bot, order.clientOrderId)).toBe(1);
    const adopted = await engine.db.orm.em
      .fork()
      .findOneOrFail(AuditLog, { entityId: order.clientOrderId, event: 'order_adopted' });
    expect(adopted.reason).toMatch(/after an unknown outcome; not resent$/);
  });

  it('is looked up and sent once more after lateSendMs; the window then runs from that send', async () => {
    const bot = await newBot('late-resent');
    const order = await openDecision(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, 6);
    sends.script(order.clientOrderId, 'late', 'late');

    await failureOf(placeOrders(bot, [order], 1));
    clock += LATE_SEND_MS;
    const resent = await failureOf(placeOrders(bot, [order], 2));
    expect(resent.message).toContain('outcome unknown (transport error)');
    expect(sends.sends(order.clientOrderId)).toBe(2);
    const resentAt = clock;
    await expect(orderRow(order.clientOrderId)).resolves.toMatchObject({
      sentAt: new Date(SCRIPTED_START),
      lastSentAt: new Date(resentAt),
      attempts: 2,
    });

    clock += 10 * SECOND;
    const held = await failureOf(placeOrders(bot, [order], 3));
    expect(held.message).toBe(heldBack(bot, order, 10, resentAt));
    expect(sends.sends(order.clientOrderId)).toBe(2);
  });

  it('is waited for from when the engine gave up on it, not from when it went out', async () => {
    const bot = await newBot('late-slow');
    const order = await openDecision(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, 11);
    sends.script(order.clientOrderId, { late: true, waitedMs: 30 * SECOND });
    await failureOf(placeOrders(bot, [order], 1));
    const gaveUpAt = SCRIPTED_START + 30 * SECOND;

    // Past lateSendMs from the send, within it from the moment the engine stopped waiting.
    clock = SCRIPTED_START + LATE_SEND_MS + 10 * SECOND;
    const held = await failureOf(placeOrders(bot, [order], 2));

    expect(held.message).toBe(heldBack(bot, order, (LATE_SEND_MS - 20 * SECOND) / SECOND, gaveUpAt));
    expect(sends.sends(order.clientOrderId)).toBe(1);
  });

  it('that never comes is cancelled by reconcile once lateSendMs has passed since the last send', async () => {
    const bot = await newBot('late-never');
    const order = await openDecision(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, 7);
    sends.script(order.clientOrderId, 'late');
    await failureOf(placeOrders(bot, [order], 1));

    // Past reconcile's own 2-minute grace, within the broker's: not given up on yet.
    clock += LATE_SEND_MS - SECOND;
    await expect(reconcile(bot)).resolves.toMatchObject({ ordersCancelled: 0 });
    clock += SECOND;
    await expect(reconcile(bot)).resolves.toMatchObject({ ordersCancelled: 1 });

    await expect(orderRow(order.clientOrderId)).resolves.toMatchObject({
      status: 'cancelled',
      error: `never reached the broker: no order with magic ${bot.magic} and comment ${order.clientOrderId} 180 s after it was last sent`,
    });
    expect(await atBroker(bot, order.clientOrderId)).toBe(0);
  });
});

describe('while a send may still land', () => {
  it("another attempt's claim, its send on its way, is left as it is (the claim still owns the send), and nothing else is sent", async () => {
    const bot = await newBot('late-claimed');
    const order = await openDecision(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, 8);
    sends.script(order.clientOrderId, 'timeout_thrown');
    await failureOf(placeOrders(bot, [order], 1));
    clock += LATE_SEND_MS;
    // Attempt A's claim, as it stands between its claim and its send (the row lock released).
    const em = engine.db.orm.em.fork();
    const row = await em.findOneOrFail(Order, { clientOrderId: order.clientOrderId });
    Object.assign(row, { status: 'sent', attempts: 2, lastSentAt: new Date(clock) });
    await em.flush();

    const held = await failureOf(placeOrders(bot, [order], 3));

    expect(held.message).toBe(heldBack(bot, order, 0, clock));
    expect(sends.sends(order.clientOrderId)).toBe(1);
    await expect(orderRow(order.clientOrderId)).resolves.toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('a close is sent again at once: the late one, if it lands, finds its position gone (10036)', async () => {
    const bot = await newBot('late-close');
    const broker = engine.brokerFor(bot.brokerAccount);
    const ticket = await openAtBroker(broker, 'XAUUSDm', bot.magic, 'buy', 'by-hand-late-close');
    await expect(reconcile(bot)).resolves.toMatchObject({ positionsOpened: 1 });
    const closeId = closeOrderIdFor(bot.id, ticket, 1);
    sends.script(closeId, 'late');

    await failureOf(closePositions(bot, 1));
    clock += 10 * SECOND;
    await expect(closePositions(bot, 2)).resolves.toMatchObject({ closed: [ticket], failed: [] });

    expect(sends.sends(closeId)).toBe(2);
    await expect(sends.deliverLate(closeId)).resolves.toMatchObject({ retcode: 10036 });
    expect((await closeBookOf(engine.db.orm, broker, bot, ticket)).brokerCloses).toHaveLength(1);
  });

  it("an order the broker reports still in flight is neither resent nor cancelled; the cycle's other orders go", async () => {
    const bot = await newBot('late-pending');
    const broker = engine.brokerFor(bot.brokerAccount);
    const pending = await openDecision(engine.db.orm, broker, bot, 9);
    const other = await openDecision(engine.db.orm, broker, bot, 10);
    sends.script(pending.clientOrderId, 'timeout_thrown');
    sends.script(other.clientOrderId, 'timeout_thrown');
    await failureOf(placeOrders(bot, [pending, other], 1));
    sends.pendingLookup(pending.clientOrderId);
    clock += LATE_SEND_MS;

    const failure = await failureOf(placeOrders(bot, [pending, other], 2));

    expect(failure.message).toBe(
      `order ${pending.clientOrderId}: outcome unknown: scripted: ${pending.clientOrderId} is still in flight: not sent again until the broker settles it`,
    );
    expect(failure.details).toEqual([
      [
        expect.objectContaining({ clientOrderId: pending.clientOrderId, status: 'unknown' }),
        expect.objectContaining({ clientOrderId: other.clientOrderId, status: 'filled' }),
      ],
    ]);
    expect(sends.sends(pending.clientOrderId)).toBe(1);
    // Reconcile settles the rest of the bot and leaves it, however long after its send.
    clock += LATE_SEND_MS;
    await expect(reconcile(bot)).resolves.toMatchObject({ ordersCancelled: 0 });
    await expect(orderRow(pending.clientOrderId)).resolves.toMatchObject({ status: 'unknown' });

    sends.pendingLookup(pending.clientOrderId, false);
    await expect(reconcile(bot)).resolves.toMatchObject({ ordersCancelled: 1 });
  });
});
