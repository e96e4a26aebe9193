// managePositions run outside any workflow in MockActivityEnvironment, on the real database, the
// real paper broker and the real schedules: the kill-switch's order of effects (schedule paused,
// audit row linked to the calling cycle, one close order per position), the trailing stop, and the
// closes of a bot that is to be flat outside its trading hours.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities/index.ts';
import { BrokerTimeoutError } from '../../../brokers/errors.ts';
import { tradeResult } from '../../../brokers/paper/validation.ts';
import type { BrokerPort } from '../../../brokers/port.ts';
import { AuditLog, Order, Position, type IAuditLog, type IBot } from '../../../db/entities/index.ts';
import { pipsToPrice } from '../../../trading/rounding.ts';
import { trailingStop } from '../../../trading/trailing.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { paperGoldBot } from '../../support/paper-bot.ts';
import { FLAT_OUTSIDE_LONDON_MORNING } from '../../support/flat-hours.ts';

const SEED = 11;
const START = Date.UTC(2026, 10, 17, 9, 0, 30);
const CYCLE = { workflowId: 'cycle-under-test', runId: '0b7c6a55-5d3e-4a1e-9a8e-000000000001' };

let engine: TestEngine;
let clock = START;

beforeAll(async () => {
  engine = await startTestEngine({ feedSeed: SEED, now: () => clock, schedulesTo: 'nowhere' });
});

afterAll(() => engine?.stop());

/** Runs the step as an activity of the cycle CYCLE. */
function inCycle<A, R>(step: (input: A) => Promise<R>, input: A): Promise<R> {
  const environment = new MockActivityEnvironment({
    workflowExecution: CYCLE,
    workflowType: 'scalperCycle',
    activityType: 'managePositions',
  });
  return environment.run(step, input);
}

const newBot = (name: string, riskSettings: Record<string, unknown>): Promise<IBot> =>
  paperGoldBot(engine, name, { riskSettings });

/** A position the bot owns (its magic) opened at the current quote, without SL/TP. */
async function openPosition(broker: BrokerPort, bot: IBot, side: 'buy' | 'sell', comment: string): Promise<string> {
  const quote = await broker.quote(bot.symbol);
  const result = await broker.placeMarketOrder({
    symbol: bot.symbol,
    side,
    volume: 0.1,
    price: side === 'buy' ? quote.ask : quote.bid,
    sl: null,
    tp: null,
    deviationPoints: 20,
    magic: bot.magic,
    comment,
  });
  expect(result).toMatchObject({ outcome: 'success', retcodeName: 'TRADE_RETCODE_DONE' });
  return result.order!;
}

describe('managePositions in an activity environment', () => {
  it('does nothing for a bot without positions', async () => {
    clock = START;
    const bot = await newBot('flat', {});
    const { managePositions } = createActivities(engine.deps);
    await expect(inCycle(managePositions, { botId: bot.id })).resolves.toEqual({
      trailed: 0,
      killSwitchTripped: false,
      closes: [],
    });
    expect(await engine.schedules.state(bot.id)).toMatchObject({ exists: true, paused: false });
  });

  it('trips the kill-switch: pauses the schedule, audits it in the calling cycle, closes each position with its own order', async () => {
    clock = START;
    // Any open position is down by its spread, so the smallest limit is breached at once.
    const bot = await newBot('tripped', { killSwitchMaxUnrealizedPct: 0.0001, trailingStopPips: 0 });
    const broker = engine.brokerFor(bot.brokerAccount);
    const tickets = [
      await openPosition(broker, bot, 'buy', 'manual-1'),
      await openPosition(broker, bot, 'sell', 'm-2'),
    ];
    const { managePositions } = createActivities(engine.deps);

    const result = await inCycle(managePositions, { botId: bot.id });

    expect(result.killSwitchTripped).toBe(true);
    expect(result.trailed).toBe(0);
    expect(result.closes.map((close) => close.status)).toEqual(['filled', 'filled']);
    expect(await broker.positions({ magic: bot.magic })).toEqual([]);

    const schedule = await engine.schedules.state(bot.id);
    expect(schedule.paused).toBe(true);
    expect(schedule.note).toMatch(
      /^automatic kill-switch: unrealised loss -\d+\.\d\d USD is \d+\.\d\d% of the balance/,
    );

    const em = engine.db.orm.em.fork();
    const audit = await em.findOneOrFail(AuditLog, { bot: bot.id, event: 'kill_switch_tripped' });
    expect(audit).toMatchObject(CYCLE);
    const closes = await em.find(Order, { bot: bot.id });
    const byTicket = (order: { positionTicket?: string | null }) => order.positionTicket;
    expect(closes.map((order) => [byTicket(order), order.purpose, order.closeReason, order.status]).sort()).toEqual(
      tickets.map((ticket) => [ticket, 'close', 'kill_switch', 'filled']).sort(),
    );
  });

  it('moves the stop behind the price once the position is far enough in profit, and only then', async () => {
    clock = START;
    const bot = await newBot('trailing', { killSwitchMaxUnrealizedPct: 100, trailingStopPips: 2 });
    const broker = engine.brokerFor(bot.brokerAccount);
    const ticket = await openPosition(broker, bot, 'buy', 'manual-trail');
    const instrument = await broker.instrument(bot.symbol);
    const { managePositions, reconcile } = createActivities(engine.deps);
    // Its row, as the cycle's reconcile before managePositions writes it.
    await inCycle(reconcile, { botId: bot.id });

    // Walk the clock until the bid has run at least the trailing distance above the open price.
    let trailedAt: number | null = null;
    for (let minute = 1; minute <= 24 * 60 && trailedAt === null; minute++) {
      clock = START + minute * 60_000;
      const [position] = await broker.positions({ magic: bot.magic });
      const expected = trailingStop(
        { side: 'buy', openPrice: position!.priceOpen, stopLoss: position!.sl, takeProfit: null },
        await broker.quote(bot.symbol),
        pipsToPrice(2, instrument),
        instrument,
      );
      const result = await inCycle(managePositions, { botId: bot.id });
      expect(result).toMatchObject({ trailed: expected === null ? 0 : 1, killSwitchTripped: false });
      if (expected === null) continue;
      const [moved] = await broker.positions({ magic: bot.magic });
      expect(moved).toMatchObject({ ticket, sl: expected });
      // On the position's row at once: a stop-out before the next reconcile reads as `trailing`.
      const row = await engine.db.orm.em.fork().findOneOrFail(Position, { brokerPositionId: ticket });
      expect(row.stopLoss).toBe(expected);
      trailedAt = clock;
    }
    expect(trailedAt).not.toBeNull();

    // Same price, same stop: nothing to move again.
    const again = await inCycle(managePositions, { botId: bot.id });
    expect(again.trailed).toBe(0);
  });

  it("a stop move whose reply was lost reaches the position's row on the retry, which sends nothing", async () => {
    clock = START;
    const bot = await newBot('trail-lost-reply', { killSwitchMaxUnrealizedPct: 100, trailingStopPips: 2 });
    const broker = engine.brokerFor(bot.brokerAccount);
    const ticket = await openPosition(broker, bot, 'buy', 'manual-trail-lost');
    const { managePositions, reconcile } = createActivities(engine.deps);
    await inCycle(reconcile, { botId: bot.id });
    // The broker moves the stop, and its reply is lost on the way back.
    const modify = broker.modifyPosition.bind(broker);
    let sends = 0;
    broker.modifyPosition = async (...args) => {
      sends++;
      await modify(...args);
      throw new BrokerTimeoutError('modifyPosition: no reply within 5000 ms');
    };

    let thrown: unknown = null;
    for (let minute = 1; minute <= 24 * 60 && thrown === null; minute++) {
      clock = START + minute * 60_000;
      thrown = await inCycle(managePositions, { botId: bot.id }).then(
        () => null,
        (error: unknown) => error,
      );
    }
    expect(thrown).not.toBeNull();
    const [moved] = await broker.positions({ magic: bot.magic });
    expect(moved!.sl).not.toBeNull();

    // The retry, at the same price: nothing to move, and the row takes the stop the broker lists.
    expect(await inCycle(managePositions, { botId: bot.id })).toMatchObject({ trailed: 0 });
    expect(sends).toBe(1);
    const row = await engine.db.orm.em.fork().findOneOrFail(Position, { brokerPositionId: ticket });
    expect(row.stopLoss).toBe(moved!.sl);
  });

  it('a stop move the broker refuses keeps the old stop, logged and audited with its retcode', async () => {
    clock = START;
    const bot = await newBot('trail-refused', { killSwitchMaxUnrealizedPct: 100, trailingStopPips: 2 });
    const broker = engine.brokerFor(bot.brokerAccount);
    const ticket = await openPosition(broker, bot, 'buy', 'manual-trail-refused');
    // The broker's trade server refuses every modification: 10029 TRADE_RETCODE_FROZEN.
    broker.modifyPosition = async () => tradeResult(10029, '');
    const { managePositions } = createActivities(engine.deps);

    let refused: IAuditLog | null = null;
    for (let minute = 1; minute <= 24 * 60 && refused === null; minute++) {
      clock = START + minute * 60_000;
      const result = await inCycle(managePositions, { botId: bot.id });
      expect(result.trailed).toBe(0);
      refused = await engine.db.orm.em.fork().findOne(AuditLog, { bot: bot.id, event: 'trailing_stop_refused' });
    }

    expect(refused).toMatchObject({ entity: 'position', entityId: ticket, workflowId: CYCLE.workflowId });
    expect(refused!.reason).toMatch(
      new RegExp(
        `^trailing stop none → [\\d.]+ of position ${ticket} not made: rejected \\(10029 TRADE_RETCODE_FROZEN\\)$`,
      ),
    );
    const [position] = await broker.positions({ magic: bot.magic });
    expect(position!.sl).toBeNull();
  });

  describe('a bot to be flat outside its trading hours (08:00–09:00 in London, GMT in November)', () => {
    const hours = FLAT_OUTSIDE_LONDON_MORNING;

    it('keeps its positions within the hours; outside them closes each by its own order, and its schedule runs on', async () => {
      clock = START - 60_000;
      const bot = await newBot('flat-at-end', hours);
      const broker = engine.brokerFor(bot.brokerAccount);
      const tickets = [
        await openPosition(broker, bot, 'buy', 'hours-1'),
        await openPosition(broker, bot, 'sell', 'hours-2'),
      ];
      const { managePositions } = createActivities(engine.deps);

      // 08:59:30: within the hours.
      expect(await inCycle(managePositions, { botId: bot.id })).toEqual({
        trailed: 0,
        killSwitchTripped: false,
        closes: [],
      });
      expect(await broker.positions({ magic: bot.magic })).toHaveLength(2);

      // 09:00:30: outside them.
      clock = START;
      const result = await inCycle(managePositions, { botId: bot.id });
      expect(result.killSwitchTripped).toBe(false);
      expect(result.closes.map((close) => close.status)).toEqual(['filled', 'filled']);
      expect(await broker.positions({ magic: bot.magic })).toEqual([]);
      const closes = await engine.db.orm.em.fork().find(Order, { bot: bot.id });
      expect(
        closes.map((order) => [order.positionTicket, order.purpose, order.closeReason, order.status]).sort(),
      ).toEqual(tickets.map((ticket) => [ticket, 'close', 'trading_hours', 'filled']).sort());
      expect(await engine.schedules.state(bot.id)).toMatchObject({ exists: true, paused: false });
    });

    it('the kill-switch goes first: a loss past its limit outside the hours trips it and closes for it', async () => {
      clock = START;
      const bot = await newBot('flat-tripped', { ...hours, killSwitchMaxUnrealizedPct: 0.0001 });
      const broker = engine.brokerFor(bot.brokerAccount);
      const ticket = await openPosition(broker, bot, 'buy', 'hours-tripped');
      const { managePositions } = createActivities(engine.deps);

      const result = await inCycle(managePositions, { botId: bot.id });
      expect(result.killSwitchTripped).toBe(true);
      const closes = await engine.db.orm.em.fork().find(Order, { bot: bot.id });
      expect(closes.map((order) => [order.positionTicket, order.closeReason, order.status])).toEqual([
        [ticket, 'kill_switch', 'filled'],
      ]);
      expect(await engine.schedules.state(bot.id)).toMatchObject({ paused: true });
    });

    it('a close the broker refuses is audited and left to the next cycle, which closes it', async () => {
      clock = START;
      const bot = await newBot('flat-refused', hours);
      const broker = engine.brokerFor(bot.brokerAccount);
      const ticket = await openPosition(broker, bot, 'buy', 'hours-refused');
      const close = broker.closePosition.bind(broker);
      broker.closePosition = async () => tradeResult(10028, '');
      const { managePositions } = createActivities(engine.deps);

      const refused = await inCycle(managePositions, { botId: bot.id });
      expect(refused.closes.map((outcome) => [outcome.status, outcome.retcodeName])).toEqual([
        ['rejected', 'TRADE_RETCODE_LOCKED'],
      ]);
      const audit = await engine.db.orm.em.fork().findOneOrFail(AuditLog, {
        bot: bot.id,
        event: 'trading_hours_close_refused',
      });
      expect(audit).toMatchObject({ entity: 'position', entityId: ticket, ...CYCLE });
      expect(audit.reason).toBe(
        `close of position ${ticket} outside the trading hours 08:00–09:00 Europe/London not made: rejected (10028 TRADE_RETCODE_LOCKED); the next cycle sends it again`,
      );
      expect((await broker.positions({ magic: bot.magic })).map((position) => position.ticket)).toEqual([ticket]);

      broker.closePosition = close;
      clock = START + 60_000;
      const closed = await inCycle(managePositions, { botId: bot.id });
      expect(closed.closes.map((outcome) => outcome.status)).toEqual(['filled']);
      expect(await broker.positions({ magic: bot.magic })).toEqual([]);
    });
  });
});
