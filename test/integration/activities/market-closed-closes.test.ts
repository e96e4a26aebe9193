// A broker whose market is shut (10018, a weekend the bot's hours do not cover), on the real
// database and paper broker at a clock the test moves: a bot to be flat outside its trading hours
// sends its refused close again once MARKET_CLOSED_RETRY_MS has passed, not every cycle; a flatten
// until flat has its next attempt wait as long.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities/index.ts';
import { MARKET_CLOSED_RETRY_MS } from '../../../activities/close-positions.ts';
import { tradeResult } from '../../../brokers/paper/validation.ts';
import { AuditLog, Order } from '../../../db/entities/index.ts';
import { ApplicationFailure } from '@temporalio/common';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { FLAT_OUTSIDE_LONDON_MORNING } from '../../support/flat-hours.ts';
import { paperGoldBot } from '../../support/paper-bot.ts';

// 09:00:30 in London in November: just outside the bot's 08:00–09:00.
const START = Date.UTC(2026, 10, 17, 9, 0, 30);
const CYCLE_MS = 45_000;
const CYCLE = { workflowId: 'cycle-under-test', runId: '0b7c6a55-5d3e-4a1e-9a8e-000000000002' };

let engine: TestEngine;
let clock = START;

beforeAll(async () => {
  engine = await startTestEngine({ feedSeed: 11, now: () => clock, schedulesTo: 'nowhere' });
});

afterAll(() => engine?.stop());

function inCycle<A, R>(step: (input: A) => Promise<R>, input: A): Promise<R> {
  return new MockActivityEnvironment({
    workflowExecution: CYCLE,
    workflowType: 'scalperCycle',
    activityType: 'managePositions',
  }).run(step, input);
}

it('a close refused as the market is shut goes again once the wait has passed, not every cycle, and closes when it opens', async () => {
  clock = START;
  const bot = await paperGoldBot(engine, 'market-shut', { riskSettings: FLAT_OUTSIDE_LONDON_MORNING });
  const broker = engine.brokerFor(bot.brokerAccount);
  const quote = await broker.quote(bot.symbol);
  const opened = await broker.placeMarketOrder({
    symbol: bot.symbol,
    side: 'buy',
    volume: 0.1,
    price: quote.ask,
    sl: null,
    tp: null,
    deviationPoints: 20,
    magic: bot.magic,
    comment: 'held over the weekend',
  });
  const ticket = opened.order!;
  // The broker's trade server, shut: every close it is sent is refused with 10018.
  const close = broker.closePosition.bind(broker);
  let sent = 0;
  broker.closePosition = async () => {
    sent++;
    return tradeResult(10018, '');
  };
  const { managePositions } = createActivities(engine.deps);
  const cycleAt = async (time: number) => {
    clock = time;
    return (await inCycle(managePositions, { botId: bot.id })).closes.map((c) => [c.status, c.retcodeName]);
  };
  const em = () => engine.db.orm.em.fork();

  // The cycle of START, its close claimed 10 s into it.
  expect(await cycleAt(START + 10_000)).toEqual([['rejected', 'TRADE_RETCODE_MARKET_CLOSED']]);
  const audit = await em().findOneOrFail(AuditLog, { bot: bot.id, event: 'trading_hours_close_refused' });
  expect(audit.reason).toBe(
    `close of position ${ticket} outside the trading hours 08:00–09:00 Europe/London not made: ` +
      'rejected (10018 TRADE_RETCODE_MARKET_CLOSED); the market is shut: it goes again in 5 min',
  );

  // The cycles in the next 5 minutes send nothing: no request, no order, no audit row.
  for (let time = START + CYCLE_MS; time < START + MARKET_CLOSED_RETRY_MS; time += CYCLE_MS) {
    expect(await cycleAt(time)).toEqual([]);
  }
  expect(sent).toBe(1);
  expect(await em().count(Order, { bot: bot.id, purpose: 'close' })).toBe(1);
  expect(await em().count(AuditLog, { bot: bot.id, event: 'trading_hours_close_refused' })).toBe(1);

  // The cycle 5 minutes after that one (4 min 50 s after the claim): sent again, refused again, and
  // the wait starts over from then.
  expect(await cycleAt(START + MARKET_CLOSED_RETRY_MS)).toEqual([['rejected', 'TRADE_RETCODE_MARKET_CLOSED']]);
  expect(sent).toBe(2);
  broker.closePosition = close;
  expect(await cycleAt(START + MARKET_CLOSED_RETRY_MS + CYCLE_MS)).toEqual([]);
  expect(await broker.positions({ magic: bot.magic })).toHaveLength(1);

  // The market open: the first cycle of the next try closes it.
  expect(await cycleAt(START + 2 * MARKET_CLOSED_RETRY_MS)).toEqual([['filled', 'TRADE_RETCODE_DONE']]);
  expect(await broker.positions({ magic: bot.magic })).toEqual([]);
  expect(sent).toBe(2);
}, 120_000);

it('a flatten until flat whose closes are refused as the market is shut waits as long before its next attempt', async () => {
  clock = START;
  const bot = await paperGoldBot(engine, 'flatten-market-shut', { paused: true });
  const broker = engine.brokerFor(bot.brokerAccount);
  const quote = await broker.quote(bot.symbol);
  const order = { symbol: bot.symbol, side: 'buy', volume: 0.1, price: quote.ask, sl: null, tp: null } as const;
  await broker.placeMarketOrder({ ...order, deviationPoints: 20, magic: bot.magic, comment: 'held' });
  const { closePositions } = createActivities(engine.deps);
  const flatten = () =>
    new MockActivityEnvironment().run(closePositions, { botId: bot.id, reason: 'kill-switch', untilFlat: true });
  const close = broker.closePosition.bind(broker);

  broker.closePosition = async () => tradeResult(10018, '');
  const shut = await flatten().catch((error: unknown) => error);
  expect(shut).toBeInstanceOf(ApplicationFailure);
  expect(shut).toMatchObject({ type: 'PositionsStillOpen', nextRetryDelay: MARKET_CLOSED_RETRY_MS });

  // Refused for another reason: the retry policy's pace, as before.
  broker.closePosition = async () => tradeResult(10028, '');
  const locked = await flatten().catch((error: unknown) => error);
  expect(locked).toMatchObject({ type: 'PositionsStillOpen', nextRetryDelay: undefined });

  broker.closePosition = close;
  await expect(flatten()).resolves.toMatchObject({ failed: [] });
  expect(await broker.positions({ magic: bot.magic })).toEqual([]);
}, 120_000);
