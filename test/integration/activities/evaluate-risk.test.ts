// evaluateRisk in MockActivityEnvironment on the real database and paper broker: a cycle's signals
// are decided in turn (an open one counts for the next, also across a retry of the step), and the
// bot's book is reconciled before deciding, so a stop-out since the last cycle starts its cooldown.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../../activities/index.ts';
import { Decision, Execution, Position, type IBot } from '../../../db/entities/index.ts';
import { riskSettingsSchema, tradingDaysOf } from '../../../trading/risk/index.ts';
import type { TradingDays } from '../../../trading/trading-day.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { openDecision } from '../../support/open-decision.ts';
import { signalsOnLastBar } from '../../support/signals-on-last-bar.ts';
import type { StrategyName } from '../../../trading/strategies/index.ts';

let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine({ feedSeed: 5, schedulesTo: 'nowhere' });
});

afterAll(() => engine?.stop());

const run = <A, R>(step: (input: A) => Promise<R>, input: A): Promise<R> =>
  new MockActivityEnvironment().run(step, input);

async function failedChecks(decisionId: number): Promise<string[]> {
  const decision = await engine.db.orm.em.fork().findOneOrFail(Decision, decisionId);
  return decision.checks.filter((check) => !check.passed).map((check) => check.name);
}

const BOT_BASE = {
  symbol: 'XAUUSDm',
  enabledStrategies: ['pin_bar', 'trend_pullback', 'doji_breakout'] as StrategyName[],
  autoTrade: true,
};

function paperBot(name: string, riskSettings: object = {}) {
  return engine.createBot({ ...BOT_BASE, name, brokerAccount: `paper-${name}`, riskSettings });
}

describe('evaluateRisk decides a cycle’s signals in turn', () => {
  it('with room for one position, the second signal of the bar is refused on max_positions', async () => {
    const bot = await paperBot('in-turn-cap', { maxConcurrentPositions: 1 });
    const steps = createActivities(engine.deps);
    const signalIds = await signalsOnLastBar(engine, bot, [
      ['pin_bar', 'buy'],
      ['doji_breakout', 'buy'],
    ]);
    const [first, second] = await run(steps.evaluateRisk, { botId: bot.id, signalIds });
    expect([first!.action, second!.action]).toEqual(['open', 'ignore']);
    expect(await failedChecks(second!.decisionId)).toEqual(['max_positions']);
  });

  it('a sell then a buy on the same bar: the buy is refused on correlation_block, no hedge opens', async () => {
    const bot = await paperBot('in-turn-hedge');
    const steps = createActivities(engine.deps);
    const signalIds = await signalsOnLastBar(engine, bot, [
      ['pin_bar', 'sell'],
      ['trend_pullback', 'buy'],
    ]);
    const [sell, buy] = await run(steps.evaluateRisk, { botId: bot.id, signalIds });
    expect([sell!.action, buy!.action]).toEqual(['open', 'ignore']);
    expect(await failedChecks(buy!.decisionId)).toEqual(['correlation_block']);
  });

  it('a retry of the step counts the open decision its first attempt stored', async () => {
    const bot = await paperBot('in-turn-retry', { maxConcurrentPositions: 1 });
    const steps = createActivities(engine.deps);
    const signalIds = await signalsOnLastBar(engine, bot, [
      ['pin_bar', 'buy'],
      ['doji_breakout', 'buy'],
    ]);
    // The first attempt stored the first decision and was lost before the second.
    const [stored] = await run(steps.evaluateRisk, { botId: bot.id, signalIds: signalIds.slice(0, 1) });
    expect(stored!.action).toBe('open');
    const decided = await run(steps.evaluateRisk, { botId: bot.id, signalIds });
    expect(decided.map((d) => [d.decisionId, d.action])).toEqual([
      [stored!.decisionId, 'open'],
      [expect.any(Number), 'ignore'],
    ]);
  });
});

describe('evaluateRisk reconciles before it decides', () => {
  /**
   * A position of the bot's, opened and booked, then closed at the broker between cycles at a loss
   * (the spread): no reconcile has seen the close yet. Returns the activities.
   */
  async function closedAtALossUnseen(bot: IBot) {
    const broker = engine.brokerFor(bot.brokerAccount);
    const steps = createActivities(engine.deps);
    const order = await openDecision(engine.db.orm, broker, bot, 1);
    await run(steps.placeOrders, { botId: bot.id, orders: [order] });
    await run(steps.reconcile, { botId: bot.id });
    const [position] = await broker.positions({ magic: bot.magic });
    await broker.closePosition(position!.ticket);
    return steps;
  }

  it('a position stopped out at a loss since the last cycle starts the cooldown of the next decision', async () => {
    const bot = await paperBot('cooldown-unbooked', { cooldownAfterLossMinutes: 5 });
    const steps = await closedAtALossUnseen(bot);

    const [decision] = await run(steps.evaluateRisk, {
      botId: bot.id,
      signalIds: await signalsOnLastBar(engine, bot, [['pin_bar', 'buy']]),
    });
    expect(decision!.action).toBe('ignore');
    expect(await failedChecks(decision!.decisionId)).toEqual(['cooldown_after_loss']);
    const booked = await engine.db.orm.em.fork().findOneOrFail(Position, { bot: bot.id });
    expect(booked.status).toBe('closed');
    expect(booked.realizedPnl).toBeLessThan(0);
  });

  /** The daily loss check of a decision on a new signal of `strategy`, and the trade's loss at its stop. */
  async function dailyLossCheck(bot: IBot, strategy: StrategyName) {
    const [decision] = await run(createActivities(engine.deps).evaluateRisk, {
      botId: bot.id,
      signalIds: await signalsOnLastBar(engine, bot, [[strategy, 'buy']]),
    });
    const stored = await engine.db.orm.em.fork().findOneOrFail(Decision, decision!.decisionId);
    const named = (name: string) => stored.checks.find((c) => c.name === name)!;
    return { daily: named('daily_loss'), atStop: named('position_size').value as number };
  }

  /**
   * The start of the trading day of now, once now is at least a minute after it and two before the
   * next (waiting there if need be): the deals these tests move around a day's start, and the
   * activity's clock, must not see the day change under them.
   */
  async function dayStartWellInside(days: TradingDays): Promise<number> {
    for (;;) {
      const now = Date.now();
      const [start, end] = [days.startOf(now), days.endOf(now)];
      if (now - start >= 60_000 && end - now >= 120_000) return start;
      const until = now - start < 60_000 ? start + 61_000 : end + 61_000;
      await new Promise((resolve) => setTimeout(resolve, until - now));
    }
  }

  it("the day's deals count against the daily loss limit; those before 00:00 UTC do not", async () => {
    const utcMidnight = await dayStartWellInside(tradingDaysOf(riskSettingsSchema.parse({})));
    const bot = await paperBot('daily-loss', { cooldownAfterLossMinutes: 0, maxDailyLossPct: 0.5 });
    const broker = engine.brokerFor(bot.brokerAccount);
    await closedAtALossUnseen(bot);

    const today = await dailyLossCheck(bot, 'pin_bar');
    const em = engine.db.orm.em.fork();
    const booked = await em.findOneOrFail(Position, { bot: bot.id });
    const deals = await em.find(Execution, { bot: bot.id });
    expect(deals.map((deal) => deal.entry).sort()).toEqual(['in', 'out']);
    // The position's deals (its opening commission, its close) are the day's realised P&L.
    expect(booked.realizedPnl).toBeLessThan(0);
    expect(today.daily.value).toBeCloseTo(today.atStop - booked.realizedPnl!, 9);
    const account = await broker.account();
    expect(today.daily.limit).toBeCloseTo(Math.round((account.balance - booked.realizedPnl!) * 0.5) / 100, 9);

    // The same deals a second before today's 00:00 UTC: a day of their own, not this one.
    await em.nativeUpdate(Execution, { bot: bot.id }, { executedAt: new Date(utcMidnight - 1_000) });
    const later = await dailyLossCheck(bot, 'doji_breakout');
    expect(later.daily.value).toBeCloseTo(later.atStop, 9);
  }, 300_000);

  it("a bot's day starts at its reset time in its time zone: the deals just before it do not count, those after do", async () => {
    const settings = { dailyLossResetTime: '17:00', dailyLossTimeZone: 'America/New_York' };
    const dayStart = await dayStartWellInside(tradingDaysOf(riskSettingsSchema.parse(settings)));
    const bot = await paperBot('daily-loss-new-york', {
      cooldownAfterLossMinutes: 0,
      maxDailyLossPct: 0.5,
      ...settings,
    });
    await closedAtALossUnseen(bot);
    await dailyLossCheck(bot, 'pin_bar');
    const em = engine.db.orm.em.fork();
    const booked = await em.findOneOrFail(Position, { bot: bot.id });
    expect(booked.realizedPnl).toBeLessThan(0);
    // 17:00 in New York: 21:00 or 22:00 UTC, by daylight saving time.
    expect([21, 22]).toContain(new Date(dayStart).getUTCHours());

    await em.nativeUpdate(Execution, { bot: bot.id }, { executedAt: new Date(dayStart - 1_000) });
    const before = await dailyLossCheck(bot, 'doji_breakout');
    expect(before.daily.value).toBeCloseTo(before.atStop, 9);
    await em.nativeUpdate(Execution, { bot: bot.id }, { executedAt: new Date(dayStart + 1_000) });
    const after = await dailyLossCheck(bot, 'trend_pullback');
    expect(after.daily.value).toBeCloseTo(after.atStop - booked.realizedPnl!, 9);
  }, 300_000);
});
