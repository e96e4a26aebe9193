// placeOrders run outside any workflow in MockActivityEnvironment, on real PostgreSQL and the paper
// broker: a broker's refusal is data in the step's result (status, MT5 retcode and its name), an
// outcome nobody knows fails the attempt with a retryable BrokerOutcomeUnknown that carries the
// outcomes so far, and the retry looks the order up before sending anything again.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities/index.ts';
import type { OrderOutcome } from '../../../activities/types.ts';
import { AuditLog, Order, type IBot } from '../../../db/entities/index.ts';
import type { TestEngine } from '../../support/engine.ts';
import { openDecision, type OpenRequest } from '../../support/open-decision.ts';
import { ScriptedSends, startScriptedEngine } from '../../support/scripted-sends.ts';
import { executedAtBroker, failureOf } from '../../support/order-assertions.ts';
import { paperGoldBot } from '../../support/paper-bot.ts';

const CYCLE = { workflowId: 'cycle-placing', runId: '0b7c6a55-5d3e-4a1e-9a8e-0000000000b2' };

const sends = new ScriptedSends();
let engine: TestEngine;

beforeAll(async () => {
  engine = await startScriptedEngine(sends);
});

afterAll(() => engine?.stop());

const newBot = (name: string): Promise<IBot> => paperGoldBot(engine, name);

/** Attempt `attempt` of the cycle's placeOrders step. */
function placeOrders(bot: IBot, orders: OpenRequest[], attempt = 1): Promise<OrderOutcome[]> {
  const environment = new MockActivityEnvironment({
    attempt,
    workflowExecution: CYCLE,
    workflowType: 'scalperCycle',
    activityType: 'placeOrders',
  });
  return environment.run(createActivities(engine.deps).placeOrders, { botId: bot.id, orders });
}

/** How often the broker really executed `clientOrderId` (its own history). */
const atBroker = (bot: IBot, clientOrderId: string) =>
  executedAtBroker(engine.brokerFor(bot.brokerAccount), bot.magic, clientOrderId);

describe('placeOrders: a reject is data', () => {
  it("returns the broker's refusal with its retcode and name, sends the cycle's other orders, and a retry resends nothing", async () => {
    const bot = await newBot('place-reject');
    const broker = engine.brokerFor(bot.brokerAccount);
    // Its SL sits above the ask: the paper broker refuses it as MT5 does.
    const refused = await openDecision(engine.db.orm, broker, bot, 1, 'wrong_side');
    const fine = await openDecision(engine.db.orm, broker, bot, 2);

    const outcomes = await placeOrders(bot, [refused, fine]);

    expect(outcomes).toEqual([
      expect.objectContaining({
        clientOrderId: refused.clientOrderId,
        purpose: 'open',
        side: 'buy',
        volume: 0.1,
        status: 'rejected',
        retcode: 10016,
        retcodeName: 'TRADE_RETCODE_INVALID_STOPS',
        brokerTicket: null,
        error: '10016 TRADE_RETCODE_INVALID_STOPS',
      }),
      expect.objectContaining({ clientOrderId: fine.clientOrderId, status: 'filled', retcode: 10009 }),
    ]);
    expect(await atBroker(bot, refused.clientOrderId)).toBe(0);
    expect(await atBroker(bot, fine.clientOrderId)).toBe(1);
    const em = engine.db.orm.em.fork();
    await expect(em.findOneOrFail(Order, { clientOrderId: refused.clientOrderId })).resolves.toMatchObject({
      status: 'rejected',
      retcode: 10016,
      retcodeName: 'TRADE_RETCODE_INVALID_STOPS',
      attempts: 1,
    });
    const audit = await em.findOneOrFail(AuditLog, { entityId: refused.clientOrderId, event: 'order_rejected' });
    expect(audit).toMatchObject({ entity: 'order', ...CYCLE, reason: '10016 TRADE_RETCODE_INVALID_STOPS' });

    // A retry of the step (or a replay) answers from the rows: nothing goes to the broker again.
    await expect(placeOrders(bot, [refused, fine], 2)).resolves.toEqual(outcomes);
    expect([sends.sends(refused.clientOrderId), sends.sends(fine.clientOrderId)]).toEqual([1, 1]);
  });

  it('retries a requote with a fresh price within the attempt, a pause apart, and after three ends rejected with the retcode', async () => {
    const bot = await newBot('place-requote');
    const broker = engine.brokerFor(bot.brokerAccount);
    const twice = await openDecision(engine.db.orm, broker, bot, 3);
    const thrice = await openDecision(engine.db.orm, broker, bot, 4);
    sends.script(twice.clientOrderId, { reject: 10004 }, { reject: 10004 });
    sends.script(thrice.clientOrderId, { reject: 10004 }, { reject: 10004 }, { reject: 10004 });

    const started = performance.now();
    const outcomes = await placeOrders(bot, [twice, thrice]);
    // Two pauses per order, 200 ms then 400 ms: never sent again at once (timers keep whole ms).
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * (200 + 400) - 10);

    expect(outcomes).toEqual([
      expect.objectContaining({ clientOrderId: twice.clientOrderId, status: 'filled' }),
      expect.objectContaining({
        clientOrderId: thrice.clientOrderId,
        status: 'rejected',
        retcode: 10004,
        retcodeName: 'TRADE_RETCODE_REQUOTE',
        error: '10004 TRADE_RETCODE_REQUOTE after 3 fresh prices',
      }),
    ]);
    expect([sends.sends(twice.clientOrderId), sends.sends(thrice.clientOrderId)]).toEqual([3, 3]);
    expect([await atBroker(bot, twice.clientOrderId), await atBroker(bot, thrice.clientOrderId)]).toEqual([1, 0]);
  });
});

describe('placeOrders: an unknown outcome fails the attempt', () => {
  it('with a retryable BrokerOutcomeUnknown carrying every outcome; the retry adopts the executed order, resends nothing', async () => {
    const bot = await newBot('place-lost');
    const broker = engine.brokerFor(bot.brokerAccount);
    const lost = await openDecision(engine.db.orm, broker, bot, 5);
    const fine = await openDecision(engine.db.orm, broker, bot, 6);
    sends.script(lost.clientOrderId, 'lost_reply');

    const failure = await failureOf(placeOrders(bot, [lost, fine]));

    expect(failure).toMatchObject({ type: 'BrokerOutcomeUnknown', nonRetryable: false });
    expect(failure.message).toBe(
      `order ${lost.clientOrderId}: outcome unknown (10012 TRADE_RETCODE_TIMEOUT): looked up at the broker before any resend`,
    );
    // The outcomes so far, so that the cycle counts them even if every retry ends the same way.
    expect(failure.details).toEqual([
      [
        expect.objectContaining({ clientOrderId: lost.clientOrderId, status: 'unknown', retcode: 10012 }),
        expect.objectContaining({ clientOrderId: fine.clientOrderId, status: 'filled' }),
      ],
    ]);
    expect(await atBroker(bot, lost.clientOrderId)).toBe(1);

    const retried = await placeOrders(bot, [lost, fine], 2);

    expect(retried.map((o) => [o.clientOrderId, o.status])).toEqual([
      [lost.clientOrderId, 'filled'],
      [fine.clientOrderId, 'filled'],
    ]);
    expect([sends.sends(lost.clientOrderId), sends.sends(fine.clientOrderId)]).toEqual([1, 1]);
    expect([await atBroker(bot, lost.clientOrderId), await atBroker(bot, fine.clientOrderId)]).toEqual([1, 1]);
    const adopted = await engine.db.orm.em
      .fork()
      .findOneOrFail(AuditLog, { entityId: lost.clientOrderId, event: 'order_adopted' });
    expect(adopted.reason).toMatch(/^found at the broker as order \d+ after an unknown outcome; not resent$/);
  });

  it('after a transport error that never reached the broker, the retry finds nothing and sends the order once', async () => {
    const bot = await newBot('place-unsent');
    const order = await openDecision(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, 7);
    sends.script(order.clientOrderId, 'timeout_thrown');

    const failure = await failureOf(placeOrders(bot, [order]));

    expect(failure).toMatchObject({ type: 'BrokerOutcomeUnknown', nonRetryable: false });
    expect(failure.message).toContain('outcome unknown (transport error)');
    expect(failure.details).toEqual([[expect.objectContaining({ status: 'unknown', retcode: null })]]);
    expect(await atBroker(bot, order.clientOrderId)).toBe(0);

    await expect(placeOrders(bot, [order], 2)).resolves.toEqual([expect.objectContaining({ status: 'filled' })]);
    expect(sends.sends(order.clientOrderId)).toBe(2);
    expect(await atBroker(bot, order.clientOrderId)).toBe(1);
    await expect(
      engine.db.orm.em.fork().findOneOrFail(Order, { clientOrderId: order.clientOrderId }),
    ).resolves.toMatchObject({ status: 'filled', attempts: 2 });
  });
});

describe('placeOrders: an order answered 10008 PLACED', () => {
  it('is never sent again, though the lookup misses it: a retry of the step (for another order) leaves it to its deal', async () => {
    const bot = await newBot('place-placed');
    const broker = engine.brokerFor(bot.brokerAccount);
    const placed = await openDecision(engine.db.orm, broker, bot, 10);
    const other = await openDecision(engine.db.orm, broker, bot, 11);
    sends.script(placed.clientOrderId, 'placed_in_flight');
    sends.script(other.clientOrderId, 'timeout');
    await expect(failureOf(placeOrders(bot, [placed, other]))).resolves.toMatchObject({
      type: 'BrokerOutcomeUnknown',
    });

    const retried = await placeOrders(bot, [placed, other], 2);

    expect(retried.map((outcome) => [outcome.clientOrderId, outcome.status, outcome.retcode])).toEqual([
      [placed.clientOrderId, 'sent', 10008],
      [other.clientOrderId, 'filled', 10009],
    ]);
    expect(sends.sends(placed.clientOrderId)).toBe(1);
    expect(await atBroker(bot, placed.clientOrderId)).toBe(1);
  });
});

describe('placeOrders: a broker that rewrote the comment', () => {
  it('an open whose reply was lost is found by what was sent (symbol, side, volume) and adopted, not resent', async () => {
    const bot = await newBot('place-rewritten');
    const order = await openDecision(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, 12);
    sends.script(order.clientOrderId, 'lost_reply');
    sends.rewriteComment(order.clientOrderId);
    await expect(failureOf(placeOrders(bot, [order]))).resolves.toMatchObject({ type: 'BrokerOutcomeUnknown' });

    await expect(placeOrders(bot, [order], 2)).resolves.toEqual([expect.objectContaining({ status: 'filled' })]);
    expect(sends.sends(order.clientOrderId)).toBe(1);
    expect(await atBroker(bot, order.clientOrderId)).toBe(1);
  });
});

describe('placeOrders: the bot stopped after its decision', () => {
  it.each([
    ['paused from a terminal', (bot: IBot) => engine.schedules.pause(bot.id, 'markets gone wild'), /is paused/],
    ['set to reduce', (bot: IBot) => engine.bots.reduce(bot.id, 'end of session'), /is reducing/],
  ])(
    'an open whose first send timed out unsent is not sent again once the bot is %s: cancelled, naming why',
    async (_how, stop, why) => {
      const bot = await newBot(`place-stopped-${_how.split(' ')[0]}`);
      const order = await openDecision(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, 9);
      sends.script(order.clientOrderId, 'timeout');
      await expect(failureOf(placeOrders(bot, [order]))).resolves.toMatchObject({ type: 'BrokerOutcomeUnknown' });

      await stop(bot);
      const [outcome] = await placeOrders(bot, [order], 2);

      expect(outcome).toMatchObject({ status: 'cancelled', error: expect.stringMatching(why) });
      expect(outcome!.error).toMatch(/^not sent: bot \d+ is /);
      expect(sends.sends(order.clientOrderId)).toBe(1);
      expect(await atBroker(bot, order.clientOrderId)).toBe(0);
      expect(await engine.brokerFor(bot.brokerAccount).positions({ magic: bot.magic })).toEqual([]);
    },
  );
});

describe('placeOrders: a request that is not an open decision of the bot', () => {
  it('is refused without a retry (InvalidOrder) and sends nothing', async () => {
    const bot = await newBot('place-owner');
    const other = await newBot('place-other');
    const theirs = await openDecision(engine.db.orm, engine.brokerFor(other.brokerAccount), other, 8);

    const failure = await failureOf(placeOrders(bot, [theirs]));

    expect(failure).toMatchObject({ type: 'InvalidOrder', nonRetryable: true });
    expect(failure.message).toBe(`decision ${theirs.decisionId} is not an open decision of bot ${bot.id}`);
    expect(sends.sends(theirs.clientOrderId)).toBe(0);
    expect(await engine.db.orm.em.fork().count(Order, { clientOrderId: theirs.clientOrderId })).toBe(0);
  });
});
