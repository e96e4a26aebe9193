// Parity: the real cycle workflow on the Temporal dev server, stepped through a stretch of the
// seeded synthetic market at the times the bot's schedule starts it (PostgreSQL, the paper broker),
// and the backtester over the same bars with the bot's schedule produce the same signals, decisions
// (every check's value), orders, fills and closes: for a bar-aligned bot, for one with a daily loss
// limit across its day's start, for one flat outside its trading hours, and for one cycling every
// 45 s at its phase (two cycles in some minutes, the second deciding nothing new).
// Over 300 lines: the four cases share the one field-by-field comparison, kept beside them to read
// as the definition of parity.
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import type { BrokerDeal } from '../../../brokers/port.ts';
import { barColumnsOf } from '../../../trading/bar-columns.ts';
import { type CycleSchedule, firstCycleAtOrAfter, nextCycle } from '../../../backtest/cycle-schedule.ts';
import { runBacktest } from '../../../backtest/run.ts';
import { botCycleSchedule, phaseOf } from '../../../bots/cycle-timing.ts';
import type { BacktestJournal } from '../../../backtest/types.ts';
import { Decision, Order, Position, Signal, type IBot } from '../../../db/entities/index.ts';
import { riskSettingsSchema } from '../../../trading/risk/index.ts';
import { STRATEGY_NAMES, strategyParamsSchema, type StrategyName } from '../../../trading/strategies/index.ts';
import { lookbackFor } from '../../../trading/strategies/lookback.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { paperCosts } from '../../support/paper-costs.ts';

const SEED = 11;
const SYMBOL = 'XAUUSDm';
const ACCOUNT = 'paper-parity';
const MINUTE = 60_000;
const START = Date.UTC(2026, 9, 14, 13, 0);
/** A case's 80–150 bars of cycles, its engine's start and stop, alongside the other three cases. */
const CASE_TIMEOUT = 300_000;

/** A case's engine, with the clock its activities read, moved to each cycle's time. */
interface Rig {
  engine: TestEngine;
  clock: { now: number };
}

/** Engines of cases still running: jest gives up on a case that times out, but does not stop it. */
const running = new Set<TestEngine>();

afterAll(() => Promise.all([...running].map((engine) => engine.stop())));

/**
 * `run` on an engine of its own (database, worker, task queue), so that the cases run at once:
 * each steps its cycles one after another, waiting on the server, not on the CPU.
 */
async function onOwnEngine(run: (rig: Rig) => Promise<void>): Promise<void> {
  const clock = { now: START };
  const engine = await startTestEngine({ feedSeed: SEED, now: () => clock.now, schedulesTo: 'nowhere' });
  running.add(engine);
  try {
    await run({ engine, clock });
  } finally {
    running.delete(engine);
    await engine.stop();
  }
}

/** NUMERIC(…, scale) as the database stores it. */
const scaled = (value: number | null, scale: number) => (value === null ? null : Number(value.toFixed(scale)));

/** A deal but for who sent it: the bot's magic and client order ids against the backtest's. */
function dealFields(deal: BrokerDeal) {
  // A stop-out's comment is MT5's "[sl …]", the same on both sides.
  return { ...deal, magic: 'bot', comment: deal.comment.startsWith('[') ? deal.comment : 'engine' };
}

/** The bot's cycles after each of `bars` bars from `start` closes, in the minute after it. */
function cycleTimes(schedule: CycleSchedule, bars: number, start = START): number[] {
  const times: number[] = [];
  const end = start + (bars + 1) * MINUTE;
  for (let time = firstCycleAtOrAfter(schedule, start + MINUTE); time < end; time = nextCycle(schedule, time)) {
    times.push(time);
  }
  return times;
}

async function liveRun({ engine, clock }: Rig, bot: IBot, times: readonly number[]) {
  for (const [cycle, time] of times.entries()) {
    clock.now = time;
    await engine.runCycle(bot, `parity-${cycle}`);
  }
  const em = engine.db.orm.em.fork();
  const signals = await em.find(Signal, { bot: bot.id }, { orderBy: { id: 'asc' } });
  const decisions = await em.find(
    Decision,
    { signal: { bot: bot.id } },
    { orderBy: { id: 'asc' }, populate: ['signal'] },
  );
  const orders = await em.find(
    Order,
    { bot: bot.id, purpose: 'open' },
    { orderBy: { id: 'asc' }, populate: ['decision.signal'] },
  );
  const deals = await engine.brokerFor(bot.brokerAccount).deals({ from: 0, to: clock.now });
  const positions = await em.find(
    Position,
    { bot: bot.id, status: 'closed' },
    { orderBy: { closedAt: 'asc', id: 'asc' } },
  );
  return { signals, decisions, orders, deals, positions };
}

type Instrument = Awaited<ReturnType<ReturnType<TestEngine['brokerFor']>['instrument']>>;

function backtestRun(bot: IBot, instrument: Instrument, bars: number, start = START) {
  const enabledStrategies = bot.enabledStrategies.filter((name): name is StrategyName =>
    (STRATEGY_NAMES as readonly string[]).includes(name),
  );
  const strategyParams = strategyParamsSchema.parse(bot.strategyParams);
  const lookback = lookbackFor(bot.lookback, enabledStrategies, strategyParams);
  const history = createSyntheticFeed({ seed: SEED }).barsBetween(
    SYMBOL,
    start - 2 * lookback * MINUTE,
    start + (bars + 1) * MINUTE,
  );
  const { commissionPerLot, ...spec } = instrument;
  const journal: BacktestJournal = { signals: [], decisions: [], orders: [], deals: [] };
  const result = runBacktest(
    barColumnsOf(history),
    {
      symbol: SYMBOL,
      instrument: spec,
      enabledStrategies,
      strategyParams,
      riskSettings: riskSettingsSchema.parse(bot.riskSettings),
      lookback: bot.lookback,
      startingBalance: 10_000,
      accountMode: 'hedging',
      leverage: 100,
      costs: paperCosts(commissionPerLot),
      schedule: botCycleSchedule(bot),
      from: start,
      to: start + bars * MINUTE,
      seed: 1,
    },
    undefined,
    journal,
  );
  return { result, journal };
}

/** The live run's records and the backtest's journal, field by field. */
function expectSameTrading(live: Awaited<ReturnType<typeof liveRun>>, backtest: ReturnType<typeof backtestRun>) {
  const { journal } = backtest;
  expect(live.signals.map((s) => [s.strategy, s.barTime.getTime(), s.direction])).toEqual(
    journal.signals.map((s) => [s.strategy, s.barOpenTime, s.direction]),
  );
  expect(
    live.signals.map((s) => ({
      score: s.score,
      entryPrice: s.entryPrice,
      stopLoss: s.stopLoss ?? null,
      takeProfit: s.takeProfit ?? null,
      features: s.payload,
    })),
  ).toEqual(
    journal.signals.map((s) => ({
      score: scaled(s.score, 4),
      entryPrice: scaled(s.entryPrice, 8),
      stopLoss: scaled(s.stopLoss, 8),
      takeProfit: scaled(s.takeProfit, 8),
      features: s.features,
    })),
  );

  expect(
    live.decisions.map((d) => ({
      bar: d.signal.barTime.getTime(),
      strategy: d.signal.strategy,
      action: d.action,
      reason: d.reason,
      checks: d.checks,
      volume: d.volume,
      stopLoss: d.stopLoss ?? null,
      takeProfit: d.takeProfit ?? null,
    })),
  ).toEqual(
    journal.decisions.map(({ signal, outcome }) => ({
      bar: signal.barOpenTime,
      strategy: signal.strategy,
      action: outcome.action,
      reason: outcome.reason,
      checks: outcome.checks,
      volume: scaled(outcome.volume, 4),
      stopLoss: scaled(outcome.stopLoss, 8),
      takeProfit: scaled(outcome.takeProfit, 8),
    })),
  );

  expect(
    live.orders.map((o) => ({
      bar: o.decision!.signal.barTime.getTime(),
      side: o.side,
      volume: o.volume,
      requestedPrice: o.requestedPrice,
      stopLoss: o.stopLoss ?? null,
      takeProfit: o.takeProfit ?? null,
      retcode: o.retcode,
      ticket: o.brokerTicket,
    })),
  ).toEqual(
    journal.orders.map(({ signal, request, result }) => ({
      bar: signal.barOpenTime,
      side: request.side,
      volume: scaled(request.volume, 4),
      requestedPrice: scaled(request.price, 8),
      stopLoss: scaled(request.sl, 8),
      takeProfit: scaled(request.tp, 8),
      retcode: result.retcode,
      ticket: result.order,
    })),
  );

  // The backtest closes what is still open when it ends; the live bot keeps it.
  const backtestDeals = journal.deals.filter((deal) => deal.comment !== 'end_of_test');
  expect(live.deals.map(dealFields)).toEqual(backtestDeals.map(dealFields));

  // Why each position closed, as the live audit trail and the backtest's trade list say it.
  const byTicket = (a: string[], b: string[]) => Number(a[0]) - Number(b[0]);
  expect(live.positions.map((p) => [p.brokerPositionId, p.closeReason ?? '']).sort(byTicket)).toEqual(
    backtest.result.trades
      .filter((t) => t.closeReason !== 'end_of_test')
      .map((t) => [t.positionId, t.closeReason as string])
      .sort(byTicket),
  );

  // The stretch must have exercised what it claims to compare.
  const closes = live.deals.filter((deal) => deal.entry === 'out');
  expect({
    signals: live.signals.length >= 10,
    opens: live.orders.length >= 3,
    ignored: live.decisions.some((d) => d.action === 'ignore'),
    stopOuts: closes.some((deal) => deal.reason === 'sl' || deal.reason === 'tp'),
  }).toEqual({ signals: true, opens: true, ignored: true, stopOuts: true });
}

/** A low bar to entry, so that the stretch trades, trails and stops out often. */
const EAGER = { decisionMinScore: 0.2, cooldownAfterLossMinutes: 3 };

describe('backtest parity with the live cycle', () => {
  it.concurrent(
    'a bar-aligned bot: signals, decisions, orders, fills and closes are the same, field by field',
    () =>
      onOwnEngine(async (rig) => {
        const { engine } = rig;
        const bot = await engine.createBot({
          name: 'parity',
          symbol: SYMBOL,
          brokerAccount: ACCOUNT,
          autoTrade: true,
          barCloseDelaySeconds: 5,
          riskSettings: EAGER,
        });
        const instrument = await engine.brokerFor(ACCOUNT).instrument(SYMBOL);
        const bars = 150;
        const live = await liveRun(rig, bot, cycleTimes(botCycleSchedule(bot), bars));
        expectSameTrading(live, backtestRun(bot, instrument, bars));
        // The trailing stop moved a stop that was then hit: both sides call it `trailing`.
        expect(live.positions.some((position) => position.closeReason === 'trailing')).toBe(true);
      }),
    CASE_TIMEOUT,
  );

  // Its day starts at 00:30 in London (BST in October: 23:30 UTC), so a day counted from 00:00 UTC
  // on either side would decide differently. Its account holds its trades alone: the account-wide
  // limit, read live from the broker's deals and backtested from the paper account, counts the same.
  it.concurrent(
    'a bot with daily loss limits on its own day, across its start: the same, refused on the day before and trading after',
    () =>
      onOwnEngine(async (rig) => {
        const { engine } = rig;
        const bot = await engine.createBot({
          name: 'parity-midnight',
          symbol: SYMBOL,
          brokerAccount: 'paper-parity-midnight',
          autoTrade: true,
          barCloseDelaySeconds: 5,
          riskSettings: {
            ...EAGER,
            maxDailyLossPct: 1,
            maxAccountDailyLossPct: 1,
            dailyLossResetTime: '00:30',
            dailyLossTimeZone: 'Europe/London',
          },
        });
        const instrument = await engine.brokerFor('paper-parity-midnight').instrument(SYMBOL);
        const start = Date.UTC(2026, 9, 14, 22, 30);
        const bars = 120;
        const live = await liveRun(rig, bot, cycleTimes(botCycleSchedule(bot), bars, start));
        expectSameTrading(live, backtestRun(bot, instrument, bars, start));
        const dayStart = Date.UTC(2026, 9, 14, 23, 30);
        // Refused on the limit alone late on the first day; the second starts again from zero.
        const failed = (d: (typeof live.decisions)[number]) => d.checks.filter((c) => !c.passed).map((c) => c.name);
        const refused = live.decisions.filter((d) => failed(d).join() === 'daily_loss,account_daily_loss');
        expect(refused.some((d) => d.signal.barTime.getTime() < dayStart)).toBe(true);
        // Opened again from 23:30 UTC, before 00:00: on the bot's own day, not UTC's.
        const utcMidnight = Date.UTC(2026, 9, 15);
        const barTimes = live.orders.map((o) => o.decision!.signal.barTime.getTime());
        expect(barTimes.some((time) => time >= dayStart && time < utcMidnight)).toBe(true);
      }),
    CASE_TIMEOUT,
  );

  // Flat outside 09:30–10:00 in New York (13:30–14:00 UTC in October): it holds a position at 14:00,
  // which the cycle at 14:00:05 closes on both sides.
  it.concurrent(
    'a bot flat outside its trading hours: the same, its position closed at their end',
    () =>
      onOwnEngine(async (rig) => {
        const { engine } = rig;
        const bot = await engine.createBot({
          name: 'parity-flat',
          symbol: SYMBOL,
          brokerAccount: 'paper-parity-flat',
          autoTrade: true,
          barCloseDelaySeconds: 5,
          riskSettings: {
            ...EAGER,
            tradingHoursStart: '09:30',
            tradingHoursEnd: '10:00',
            tradingHoursTimeZone: 'America/New_York',
            closeOutsideTradingHours: true,
          },
        });
        const instrument = await engine.brokerFor('paper-parity-flat').instrument(SYMBOL);
        const bars = 80;
        const live = await liveRun(rig, bot, cycleTimes(botCycleSchedule(bot), bars));
        const backtest = backtestRun(bot, instrument, bars);
        const { result } = backtest;
        expectSameTrading(live, backtest);
        const end = Date.UTC(2026, 9, 14, 14, 0);
        const closedAtEnd = result.trades.filter((trade) => trade.closeReason === 'trading_hours');
        expect(closedAtEnd.map((trade) => trade.closeTime)).toEqual([end + 5_000]);
        const em = engine.db.orm.em.fork();
        const positions = await em.find(Position, { bot: bot.id, closeReason: 'trading_hours' });
        expect(positions.map((position) => [position.brokerPositionId, position.closedAt?.getTime()])).toEqual(
          closedAtEnd.map((trade) => [trade.positionId, end + 5_000]),
        );
        const closes = await em.find(Order, { bot: bot.id, purpose: 'close' });
        expect(closes.map((order) => [order.closeReason, order.positionTicket, order.status])).toEqual(
          closedAtEnd.map((trade) => ['trading_hours', trade.positionId, 'filled']),
        );
        // Nothing is held outside the hours: every trade opened within them, and none outlives them.
        const opens = Date.UTC(2026, 9, 14, 13, 30);
        for (const trade of result.trades) {
          expect([trade.openTime >= opens, trade.openTime < end, trade.closeTime <= end + 5_000]).toEqual([
            true,
            true,
            true,
          ]);
        }
      }),
    CASE_TIMEOUT,
  );

  // Its trading hours, 09:30–10:25 in New York (13:30–14:25 UTC in October), cover part of its bars.
  // Its phase follows its id, which each run draws at random: every phase of the 45 000 (scanned
  // with the backtester alone) trades at least 4 times within these hours and is refused outside.
  it.concurrent(
    'a bot every 45 s at its phase, with trading hours: the same, with some bars acted on 30–45 s after they close',
    () =>
      onOwnEngine(async (rig) => {
        const { engine } = rig;
        const bot = await engine.createBot({
          name: 'parity-interval',
          symbol: SYMBOL,
          brokerAccount: 'paper-parity-interval',
          autoTrade: true,
          scheduleIntervalSeconds: 45,
          riskSettings: {
            ...EAGER,
            tradingHoursStart: '09:30',
            tradingHoursEnd: '10:25',
            tradingHoursTimeZone: 'America/New_York',
          },
        });
        const schedule = botCycleSchedule(bot);
        expect(schedule).toEqual({ kind: 'interval', everySeconds: 45, offsetMs: phaseOf(bot.id, 45) });
        const instrument = await engine.brokerFor('paper-parity-interval').instrument(SYMBOL);
        const bars = 100;
        const times = cycleTimes(schedule, bars);
        expect(times.length).toBeGreaterThan(bars);
        const live = await liveRun(rig, bot, times);
        const backtest = backtestRun(bot, instrument, bars);
        const { journal } = backtest;
        expectSameTrading(live, backtest);
        const lateness = journal.decisions.map(({ signal, time }) => time - signal.barOpenTime - MINUTE);
        // A phase on a 15 s mark acts on some bars exactly 30 s late; any other, later still.
        expect(Math.max(...lateness)).toBeGreaterThanOrEqual(30_000);
        // Opened within the hours alone; refused outside them on the hours alone too.
        const [opens, closes] = [Date.UTC(2026, 9, 14, 13, 30), Date.UTC(2026, 9, 14, 14, 25)];
        const within = (time: number) => time >= opens && time < closes;
        expect(journal.orders.length).toBeGreaterThan(0);
        for (const { time } of journal.orders) expect(within(time)).toBe(true);
        const failed = (d: (typeof live.decisions)[number]) => d.checks.filter((c) => !c.passed).map((c) => c.name);
        expect(live.decisions.some((d) => failed(d).join() === 'trading_hours')).toBe(true);
        expect(journal.decisions.some(({ time }) => !within(time))).toBe(true);
      }),
    CASE_TIMEOUT,
  );
});
