// A close whose outcome nobody knows, retried (README, "Orders exactly once"), on real PostgreSQL,
// the paper broker and the Temporal dev server: the attempt fails, the retry looks the close up at
// the broker by magic + comment before any resend, and the broker's own history ends with exactly
// one close of the position, the database with one close Order and one exit Execution.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities/index.ts';
import type { ClosedPositions, FlattenRequest, ManagePositionsResult } from '../../../activities/types.ts';
import { markKillSwitchTripped } from '../../../bots/bot-rows.ts';
import { PositionCloser } from '../../../bots/position-closer.ts';
import { AuditLog, Position, type IBot } from '../../../db/entities/index.ts';
import { closeOrderIdFor } from '../../../trading/orders/index.ts';
import { closeBookOf, openAtBroker } from '../../support/close-book.ts';
import type { TestEngine } from '../../support/engine.ts';
import { ScriptedSends, startScriptedEngine } from '../../support/scripted-sends.ts';
import { failureOf } from '../../support/order-assertions.ts';

const FLATTEN = { workflowId: 'flatten-under-test', runId: '0b7c6a55-5d3e-4a1e-9a8e-0000000000f1' };

const sends = new ScriptedSends();
let engine: TestEngine;

beforeAll(async () => {
  engine = await startScriptedEngine(sends);
});

afterAll(() => engine?.stop());

/** A bot on a paper account of its own, holding one position its reconcile has booked as open. */
async function botWithPosition(
  name: string,
  riskSettings: Record<string, unknown> = {},
): Promise<{ bot: IBot; ticket: string; closeId: string }> {
  const bot = await engine.createBot({
    name,
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    brokerAccount: `paper-${name}`,
    riskSettings,
  });
  const ticket = await openAtBroker(
    engine.brokerFor(bot.brokerAccount),
    'XAUUSDm',
    bot.magic,
    'buy',
    `by-hand-${name}`,
  );
  await expect(createActivities(engine.deps).reconcile({ botId: bot.id })).resolves.toMatchObject({
    positionsOpened: 1,
  });
  return { bot, ticket, closeId: closeOrderIdFor(bot.id, ticket, 1) };
}

/** Attempt `attempt` of the flatten workflow's closePositions step. */
function closePositionsAttempt(bot: IBot, attempt: number): Promise<ClosedPositions> {
  const environment = new MockActivityEnvironment({
    attempt,
    workflowExecution: FLATTEN,
    workflowType: 'flattenBot',
    activityType: 'closePositions',
  });
  const { closePositions } = createActivities(engine.deps);
  const request: FlattenRequest = { botId: bot.id, reason: 'operator close-all', closeReason: 'manual' };
  return environment.run(closePositions, request);
}

/** Attempt `attempt` of a cycle's managePositions step. */
function managePositionsAttempt(bot: IBot, attempt: number): Promise<ManagePositionsResult> {
  const environment = new MockActivityEnvironment({
    attempt,
    workflowExecution: { workflowId: `cycle-${bot.id}`, runId: FLATTEN.runId },
    workflowType: 'scalperCycle',
    activityType: 'managePositions',
  });
  return environment.run(createActivities(engine.deps).managePositions, { botId: bot.id });
}

/** Exactly one close of `ticket` at the broker and in the database, linked, and the position booked closed. */
async function expectClosedOnce(bot: IBot, ticket: string, closeId: string, closeReason: string): Promise<void> {
  const book = await closeBookOf(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, ticket);
  expect(book.brokerCloses).toEqual([expect.objectContaining({ comment: closeId, magic: bot.magic })]);
  expect(book.exitDeals).toHaveLength(1);
  expect(book.orders).toEqual([expect.objectContaining({ clientOrderId: closeId, status: 'filled', closeReason })]);
  expect(book.exits).toEqual([
    expect.objectContaining({
      brokerDealId: book.exitDeals[0]!.ticket,
      order: expect.objectContaining({ id: book.orders[0]!.id }),
    }),
  ]);
  const position = await engine.db.orm.em
    .fork()
    .findOneOrFail(Position, { brokerAccount: bot.brokerAccount, brokerPositionId: ticket });
  expect(position).toMatchObject({ status: 'closed', closeReason });
  expect(await engine.brokerFor(bot.brokerAccount).positions({ magic: bot.magic })).toEqual([]);
}

describe('a close executed at the broker whose reply was lost', () => {
  it.each(['lost_reply', 'lost_reply_thrown'] as const)(
    '(%s) fails the attempt; the retry finds the close at the broker, adopts it, sends nothing; one close, one Order, one Execution',
    async (fault) => {
      const { bot, ticket, closeId } = await botWithPosition(`lost-${fault.replaceAll('_', '-')}`);
      sends.script(closeId, fault);

      const failure = await failureOf(closePositionsAttempt(bot, 1));
      expect(failure).toMatchObject({ type: 'BrokerOutcomeUnknown', nonRetryable: false });
      expect(failure.message).toContain(`close ${closeId}: outcome unknown`);
      expect(failure.details).toEqual([
        expect.objectContaining({ closed: [], failed: [], orders: [expect.objectContaining({ status: 'unknown' })] }),
      ]);

      const retried = await closePositionsAttempt(bot, 2);
      expect(retried.closed).toEqual([ticket]);
      expect(retried.orders).toEqual([expect.objectContaining({ clientOrderId: closeId, status: 'filled' })]);
      expect(sends.sends(closeId)).toBe(1);

      const reconciled = await createActivities(engine.deps).reconcile({ botId: bot.id });
      expect(reconciled).toMatchObject({ newExecutions: 1, positionsClosed: 1, openPositions: 0 });
      await expectClosedOnce(bot, ticket, closeId, 'manual');
      expect(sends.sends(closeId)).toBe(1);
    },
  );
});

describe('a close that never reached the broker', () => {
  it.each(['timeout', 'timeout_thrown'] as const)(
    '(%s) fails the attempt; the retry finds nothing at the broker and sends it once more: one close, one Order, one Execution',
    async (fault) => {
      const { bot, ticket, closeId } = await botWithPosition(`unsent-${fault.replaceAll('_', '-')}`);
      sends.script(closeId, fault);

      const failure = await failureOf(closePositionsAttempt(bot, 1));
      expect(failure.type).toBe('BrokerOutcomeUnknown');
      const broker = engine.brokerFor(bot.brokerAccount);
      expect(await broker.positions({ magic: bot.magic })).toEqual([expect.objectContaining({ ticket })]);
      expect((await closeBookOf(engine.db.orm, broker, bot, ticket)).brokerCloses).toEqual([]);

      const retried = await closePositionsAttempt(bot, 2);
      expect(retried).toMatchObject({ closed: [ticket], failed: [] });
      expect(retried.orders).toEqual([expect.objectContaining({ clientOrderId: closeId, status: 'filled' })]);
      // Sent twice by the engine, executed once: the first send never got there.
      expect(sends.sends(closeId)).toBe(2);

      await createActivities(engine.deps).reconcile({ botId: bot.id });
      await expectClosedOnce(bot, ticket, closeId, 'manual');
      const [order] = (await closeBookOf(engine.db.orm, broker, bot, ticket)).orders;
      expect(order!.attempts).toBe(2);
    },
  );
});

describe('closes retried by Temporal itself', () => {
  it("an operator's close-all (flattenBot workflow) with a lost reply answers the position closed, closed once", async () => {
    const { bot, ticket, closeId } = await botWithPosition('flatten-lost');
    sends.script(closeId, 'lost_reply');

    const closer = new PositionCloser(engine.temporal.client, engine.taskQueue);
    const result = await closer.closeAll(bot.id, 'spread blow-out', 'manual');

    expect(result).toMatchObject({ closed: [ticket], failed: [] });
    expect(sends.sends(closeId)).toBe(1);
    await expectClosedOnce(bot, ticket, closeId, 'manual');
  });

  it('the automatic kill-switch whose close reply is lost books that one close in the same cycle', async () => {
    // Any open position is down by its spread, so the smallest limit is breached at once.
    const { bot, ticket, closeId } = await botWithPosition('kill-lost', {
      killSwitchMaxUnrealizedPct: 0.0001,
      trailingStopPips: 0,
    });
    sends.script(closeId, 'lost_reply');

    const counts = await engine.runCycle(bot, 'kill-lost');

    expect(counts).toMatchObject({ closes: 1 });
    expect(sends.sends(closeId)).toBe(1);
    await expectClosedOnce(bot, ticket, closeId, 'kill_switch');
    await expect(engine.schedules.state(bot.id)).resolves.toMatchObject({ paused: true });
  });

  it('the automatic kill-switch whose close never reached the broker closes the position on the retry', async () => {
    const { bot, ticket, closeId } = await botWithPosition('kill-unsent', {
      killSwitchMaxUnrealizedPct: 0.0001,
      trailingStopPips: 0,
    });
    sends.script(closeId, 'timeout');

    const counts = await engine.runCycle(bot, 'kill-unsent');

    expect(counts).toMatchObject({ closes: 1 });
    expect(sends.sends(closeId)).toBe(2);
    await expectClosedOnce(bot, ticket, closeId, 'kill_switch');
  });

  it("a kill-switch close that never reached the broker is sent by managePositions' retry even once the loss is back under the limit", async () => {
    const { bot, ticket, closeId } = await botWithPosition('kill-recovered', {
      killSwitchMaxUnrealizedPct: 0.0001,
      trailingStopPips: 0,
    });
    sends.script(closeId, 'timeout');
    await expect(failureOf(managePositionsAttempt(bot, 1))).resolves.toMatchObject({ type: 'BrokerOutcomeUnknown' });
    await expect(engine.schedules.state(bot.id)).resolves.toMatchObject({ paused: true });

    // Between the attempts the loss stops breaching the limit (here: the operator raises the limit).
    await engine.bots.update(bot.id, { riskSettings: { killSwitchMaxUnrealizedPct: 100, trailingStopPips: 0 } });
    const retried = await managePositionsAttempt(bot, 2);

    expect(retried).toMatchObject({ killSwitchTripped: true, trailed: 0 });
    expect(retried.closes).toEqual([expect.objectContaining({ clientOrderId: closeId, status: 'filled' })]);
    expect(sends.sends(closeId)).toBe(2);
    await createActivities(engine.deps).reconcile({ botId: bot.id });
    await expectClosedOnce(bot, ticket, closeId, 'kill_switch');
  });

  it('the automatic kill-switch whose closes are refused hands the bot to a flattenBot run that closes it once they stop', async () => {
    const { bot, ticket, closeId } = await botWithPosition('kill-refused', {
      killSwitchMaxUnrealizedPct: 0.0001,
      trailingStopPips: 0,
    });
    await engine.bots.update(bot.id, { scheduleIntervalSeconds: 15 });
    // Requotes: the cycle's close (a fresh price each of its three sends), then the flatten's first.
    const requotes = Array.from({ length: 3 }, () => ({ reject: 10004 }));
    sends.script(closeId, ...requotes);
    const flattenFirst = closeOrderIdFor(bot.id, ticket, 2);
    sends.script(flattenFirst, ...requotes);

    const counts = await engine.runCycle(bot, 'kill-refused');
    expect(counts).toMatchObject({ closes: 1 });
    await expect(engine.schedules.state(bot.id)).resolves.toMatchObject({ paused: true });
    expect(await engine.brokerFor(bot.brokerAccount).positions({ magic: bot.magic })).toHaveLength(1);
    const [handedOver] = await engine.db.orm.em
      .fork()
      .find(AuditLog, { bot: bot.id, event: 'kill_switch_flatten_started' });
    expect(handedOver!.reason).toMatch(/1 position\(s\) are still open \(1 close\(s\) refused, 0 without an outcome\)/);

    // A cycle later (15 s), the flatten's first close is refused too; its retry closes the position.
    const flatten = engine.temporal.client.workflow.getHandle(`scalper-flatten-${bot.id}-until-flat`);
    const closed = (await flatten.result()) as ClosedPositions;
    expect(closed).toMatchObject({ closed: [ticket], failed: [] });
    expect(sends.sends(flattenFirst)).toBe(3);
    const book = await closeBookOf(engine.db.orm, engine.brokerFor(bot.brokerAccount), bot, ticket);
    expect(book.orders.map((order) => [order.clientOrderId, order.status])).toEqual([
      [closeId, 'rejected'],
      [flattenFirst, 'rejected'],
      [closeOrderIdFor(bot.id, ticket, 3), 'filled'],
    ]);
    const position = await engine.db.orm.em
      .fork()
      .findOneOrFail(Position, { brokerAccount: bot.brokerAccount, brokerPositionId: ticket });
    expect(position).toMatchObject({ status: 'closed', closeReason: 'kill_switch' });
  }, 60_000);

  it("the kill-switch's flatten ends without closing once an operator has resumed the bot", async () => {
    const { bot } = await botWithPosition('kill-resumed');
    const environment = new MockActivityEnvironment({ workflowType: 'flattenBot', activityType: 'closePositions' });
    const { closePositions } = createActivities(engine.deps);
    const request: FlattenRequest = { botId: bot.id, reason: 'automatic kill-switch', untilFlat: true };

    // Its schedule runs: resumed (here: never paused). Nothing is closed.
    await expect(environment.run(closePositions, request)).resolves.toEqual({ closed: [], failed: [], orders: [] });
    expect(await engine.brokerFor(bot.brokerAccount).positions({ magic: bot.magic })).toHaveLength(1);

    await engine.schedules.pause(bot.id, 'automatic kill-switch');
    await expect(environment.run(closePositions, request)).resolves.toMatchObject({ failed: [] });
    expect(await engine.brokerFor(bot.brokerAccount).positions({ magic: bot.magic })).toEqual([]);
  });

  it("the kill-switch's flatten goes on though a terminal unpaused the bot, while its trip is on the row", async () => {
    const { bot } = await botWithPosition('kill-terminal-unpaused');
    await markKillSwitchTripped(engine.db.orm.em.fork(), bot.id, 'unrealised loss 5.10% of the balance');
    const environment = new MockActivityEnvironment({ workflowType: 'flattenBot', activityType: 'closePositions' });
    const { closePositions } = createActivities(engine.deps);
    const request: FlattenRequest = { botId: bot.id, reason: 'automatic kill-switch', untilFlat: true };

    // Its schedule runs (unpaused from a terminal, here never paused): the trip still closes.
    expect((await engine.schedules.state(bot.id)).paused).toBe(false);
    await expect(environment.run(closePositions, request)).resolves.toMatchObject({ failed: [] });
    expect(await engine.brokerFor(bot.brokerAccount).positions({ magic: bot.magic })).toEqual([]);
  });
});
