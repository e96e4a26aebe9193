// Two bots trading one paper account (real PostgreSQL, the paper broker, the Temporal dev server):
// a bot's closes — operator close-all, the automatic kill-switch, a retry after a lost reply —
// touch only positions carrying its own magic. The other bot's position stays open at the broker,
// no order of the engine ever names it, and the order store refuses to write a close for it.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities/index.ts';
import type { ClosedPositions, FlattenRequest, ManagePositionsResult } from '../../../activities/types.ts';
import { Order, Position, type IBot } from '../../../db/entities/index.ts';
import { InvalidOrderRequest, OrderStore } from '../../../db/orders/index.ts';
import { createLogger } from '../../../infra/logger.ts';
import { closeOrderIdFor } from '../../../trading/orders/index.ts';
import { closeBookOf, openAtBroker } from '../../support/close-book.ts';
import type { TestEngine } from '../../support/engine.ts';
import { ScriptedSends, SCRIPTED_START, startScriptedEngine } from '../../support/scripted-sends.ts';

const CYCLE = { workflowId: 'shared-account-cycle', runId: '0b7c6a55-5d3e-4a1e-9a8e-0000000000a7' };

const sends = new ScriptedSends();
let engine: TestEngine;

beforeAll(async () => {
  engine = await startScriptedEngine(sends);
});

afterAll(() => engine?.stop());

interface SharedAccount {
  /** The bot whose closes are under test. */
  mine: IBot;
  /** Another bot on the same account, with a magic of its own. */
  theirs: IBot;
  myTicket: string;
  theirTicket: string;
}

/** Two bots on one paper account, one position each, both booked open by their reconciles. */
async function sharedAccount(name: string, riskSettings: Record<string, unknown> = {}): Promise<SharedAccount> {
  const brokerAccount = `paper-${name}`;
  const newBot = (suffix: string, risk: Record<string, unknown>) =>
    engine.createBot({
      name: `${name}-${suffix}`,
      symbol: 'XAUUSDm',
      enabledStrategies: ['pin_bar'],
      brokerAccount,
      riskSettings: risk,
    });
  const mine = await newBot('mine', riskSettings);
  const theirs = await newBot('theirs', {});
  expect(theirs.magic).not.toBe(mine.magic);
  const broker = engine.brokerFor(brokerAccount);
  const theirTicket = await openAtBroker(broker, 'XAUUSDm', theirs.magic, 'sell', `theirs-${name}`);
  const myTicket = await openAtBroker(broker, 'XAUUSDm', mine.magic, 'buy', `mine-${name}`);
  const { reconcile } = createActivities(engine.deps);
  for (const bot of [mine, theirs]) {
    await expect(reconcile({ botId: bot.id })).resolves.toMatchObject({ positionsOpened: 1, openPositions: 1 });
  }
  return { mine, theirs, myTicket, theirTicket };
}

function inCycle(activityType: string) {
  return new MockActivityEnvironment({ workflowExecution: CYCLE, workflowType: 'scalperCycle', activityType });
}

function closePositions(bot: IBot): Promise<ClosedPositions> {
  const request: FlattenRequest = { botId: bot.id, reason: 'operator close-all', closeReason: 'manual' };
  return inCycle('closePositions').run(createActivities(engine.deps).closePositions, request);
}

/** The other bot's position is open at the broker and in the database, and nothing of the engine names it. */
async function expectUntouched(account: SharedAccount): Promise<void> {
  const { mine, theirs, theirTicket } = account;
  const broker = engine.brokerFor(theirs.brokerAccount);
  expect(await broker.positions({ magic: theirs.magic })).toEqual([
    expect.objectContaining({ ticket: theirTicket, magic: theirs.magic, volume: 0.1 }),
  ]);
  const book = await closeBookOf(engine.db.orm, broker, theirs, theirTicket);
  expect(book.brokerCloses).toEqual([]);
  expect(book.exitDeals).toEqual([]);
  const em = engine.db.orm.em.fork();
  expect(await em.count(Order, { positionTicket: theirTicket, bot: { $in: [mine.id, theirs.id] } })).toBe(0);
  expect(sends.sends(closeOrderIdFor(mine.id, theirTicket, 1))).toBe(0);
  const position = await em.findOneOrFail(Position, {
    brokerAccount: theirs.brokerAccount,
    brokerPositionId: theirTicket,
  });
  expect(position).toMatchObject({ bot: expect.objectContaining({ id: theirs.id }), status: 'open' });
}

describe("a bot's closes on an account another bot trades too", () => {
  it("an operator's close-all closes the bot's own position and leaves the other bot's open", async () => {
    const account = await sharedAccount('shared-close-all');
    const { mine, myTicket } = account;

    const result = await closePositions(mine);

    expect(result).toMatchObject({ closed: [myTicket], failed: [] });
    expect(result.orders).toEqual([
      expect.objectContaining({ clientOrderId: closeOrderIdFor(mine.id, myTicket, 1), status: 'filled' }),
    ]);
    await createActivities(engine.deps).reconcile({ botId: mine.id });
    await expectUntouched(account);
  });

  it("a close retried after a lost reply closes the bot's own position once and leaves the other bot's open", async () => {
    const account = await sharedAccount('shared-lost-reply');
    const { mine, myTicket } = account;
    const closeId = closeOrderIdFor(mine.id, myTicket, 1);
    sends.script(closeId, 'lost_reply');

    const failure = await closePositions(mine).then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'BrokerOutcomeUnknown' });
    const retried = await closePositions(mine);

    expect(retried).toMatchObject({ closed: [myTicket], failed: [] });
    expect(sends.sends(closeId)).toBe(1);
    await createActivities(engine.deps).reconcile({ botId: mine.id });
    const book = await closeBookOf(engine.db.orm, engine.brokerFor(mine.brokerAccount), mine, myTicket);
    expect([book.brokerCloses.length, book.orders.length, book.exits.length]).toEqual([1, 1, 1]);
    await expectUntouched(account);
  });

  it("the automatic kill-switch closes the bot's own position and leaves the other bot's open", async () => {
    // Any open position is down by its spread: the smallest limit is breached at once.
    const account = await sharedAccount('shared-kill', { killSwitchMaxUnrealizedPct: 0.0001, trailingStopPips: 0 });
    const { mine, theirs, myTicket } = account;

    const managed: ManagePositionsResult = await inCycle('managePositions').run(
      createActivities(engine.deps).managePositions,
      { botId: mine.id },
    );

    expect(managed.killSwitchTripped).toBe(true);
    expect(managed.closes).toEqual([
      expect.objectContaining({ clientOrderId: closeOrderIdFor(mine.id, myTicket, 1), status: 'filled' }),
    ]);
    await expect(engine.schedules.state(theirs.id)).resolves.toMatchObject({ paused: false });
    await createActivities(engine.deps).reconcile({ botId: mine.id });
    await expectUntouched(account);
  });

  it("the order store refuses to close the other bot's position: nothing written, nothing sent", async () => {
    const account = await sharedAccount('shared-refused');
    const { mine, theirs, theirTicket } = account;
    const broker = engine.brokerFor(mine.brokerAccount);
    const [theirPosition] = await broker.positions({ magic: theirs.magic });
    const store = new OrderStore(engine.db.orm, {
      now: () => SCRIPTED_START,
      logger: createLogger('silent', 'test'),
      trace: null,
    });
    const venue = {
      broker,
      magic: mine.magic,
      deviationPoints: 20,
      instrument: await broker.instrument('XAUUSDm'),
    };

    const refused = store.close(mine, theirPosition!, 'manual', venue);

    await expect(refused).rejects.toBeInstanceOf(InvalidOrderRequest);
    await expect(refused).rejects.toThrow(
      `position ${theirTicket} has magic ${theirs.magic}, not bot ${mine.id}'s ${mine.magic}`,
    );
    await expectUntouched(account);
  });
});
