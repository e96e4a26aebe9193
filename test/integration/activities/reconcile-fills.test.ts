// reconcile's ordersFilled counts the fills that reconcile itself recorded — an order left `sent`
// (answered 10008 PLACED) or `unknown` (reply lost) that one of its deals fills — once, and
// nothing else: not an order the send's answer had already filled, not a deal recorded before.
// Real PostgreSQL and the paper broker, the activities run in MockActivityEnvironment.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities/index.ts';
import type { OrderOutcome, ReconcileResult } from '../../../activities/types.ts';
import { Execution, Order, type IBot } from '../../../db/entities/index.ts';
import type { TestEngine } from '../../support/engine.ts';
import { openDecision, type OpenRequest } from '../../support/open-decision.ts';
import { ScriptedSends, startScriptedEngine } from '../../support/scripted-sends.ts';
import { paperGoldBot } from '../../support/paper-bot.ts';

const sends = new ScriptedSends();
let engine: TestEngine;

beforeAll(async () => {
  engine = await startScriptedEngine(sends);
});

afterAll(() => engine?.stop());

const newBot = (name: string): Promise<IBot> => paperGoldBot(engine, name);

const placeOrders = (bot: IBot, orders: OpenRequest[]): Promise<OrderOutcome[]> =>
  new MockActivityEnvironment().run(createActivities(engine.deps).placeOrders, { botId: bot.id, orders });

const reconcile = (bot: IBot): Promise<ReconcileResult> =>
  new MockActivityEnvironment().run(createActivities(engine.deps).reconcile, { botId: bot.id });

async function statusOf(clientOrderId: string): Promise<string> {
  return (await engine.db.orm.em.fork().findOneOrFail(Order, { clientOrderId })).status;
}

describe('reconcile ordersFilled', () => {
  it('counts an order answered 10008 PLACED once, when reconcile records its deal; the next reconcile over the same deals counts 0', async () => {
    const bot = await newBot('fills-placed');
    const order = await openDecision(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, 1);
    sends.script(order.clientOrderId, 'placed');

    const [outcome] = await placeOrders(bot, [order]);
    expect(outcome).toMatchObject({ status: 'sent', retcode: 10008, retcodeName: 'TRADE_RETCODE_PLACED' });
    expect(await engine.db.orm.em.fork().count(Execution, { bot: bot.id })).toBe(0);

    const first = await reconcile(bot);
    expect(first).toMatchObject({ ordersFilled: 1, newExecutions: 1, positionsOpened: 1, ordersAdopted: 0 });
    expect(await statusOf(order.clientOrderId)).toBe('filled');

    const second = await reconcile(bot);
    expect(second).toMatchObject({ ordersFilled: 0, newExecutions: 0, positionsOpened: 0, openPositions: 1 });
    expect(await engine.db.orm.em.fork().count(Execution, { bot: bot.id })).toBe(1);
  });

  it('counts only the PLACED order of a cycle in which the other order was filled by its answer', async () => {
    const bot = await newBot('fills-mixed');
    const broker = engine.brokerFor(bot.brokerAccount);
    const placed = await openDecision(engine.db.orm, broker, bot, 2);
    const done = await openDecision(engine.db.orm, broker, bot, 3);
    sends.script(placed.clientOrderId, 'placed');

    const outcomes = await placeOrders(bot, [placed, done]);
    expect(outcomes.map((o) => [o.clientOrderId, o.status])).toEqual([
      [placed.clientOrderId, 'sent'],
      [done.clientOrderId, 'filled'],
    ]);

    await expect(reconcile(bot)).resolves.toMatchObject({ ordersFilled: 1, newExecutions: 2, positionsOpened: 2 });
    await expect(reconcile(bot)).resolves.toMatchObject({ ordersFilled: 0, newExecutions: 0, positionsOpened: 0 });
    expect([await statusOf(placed.clientOrderId), await statusOf(done.clientOrderId)]).toEqual(['filled', 'filled']);
  });

  it('does not count an order whose send answer filled it, though reconcile records its deal', async () => {
    const bot = await newBot('fills-done');
    const order = await openDecision(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, 4);
    await expect(placeOrders(bot, [order])).resolves.toEqual([expect.objectContaining({ status: 'filled' })]);

    await expect(reconcile(bot)).resolves.toMatchObject({ ordersFilled: 0, newExecutions: 1, positionsOpened: 1 });
    await expect(reconcile(bot)).resolves.toMatchObject({ ordersFilled: 0, newExecutions: 0 });
  });

  it('counts an order whose reply was lost once, filled by the deal reconcile finds, not adopted on top', async () => {
    const bot = await newBot('fills-lost');
    const order = await openDecision(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, 5);
    sends.script(order.clientOrderId, 'lost_reply');
    const failure = await placeOrders(bot, [order]).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(await statusOf(order.clientOrderId)).toBe('unknown');

    await expect(reconcile(bot)).resolves.toMatchObject({ ordersFilled: 1, ordersAdopted: 0, newExecutions: 1 });
    await expect(reconcile(bot)).resolves.toMatchObject({ ordersFilled: 0, ordersAdopted: 0, newExecutions: 0 });
    expect(await statusOf(order.clientOrderId)).toBe('filled');
    expect(sends.sends(order.clientOrderId)).toBe(1);
  });
});
