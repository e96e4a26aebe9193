// The backtester's own rules, over a few days of the synthetic market: its books balance, the
// kill-switch ends a run, a netting account reverses, bad input is refused with the reason.
import { barColumnsOf } from '../../../trading/bar-columns.ts';
import { BacktestInputError, runBacktest } from '../../../backtest/run.ts';
import type { BacktestJournal, BacktestSettings } from '../../../backtest/types.ts';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { paperInstruments } from '../../../brokers/paper/index.ts';
import type { StopsPriority } from '../../../brokers/paper/stops.ts';
import type { Bar } from '../../../trading/market.ts';
import { riskSettingsSchema } from '../../../trading/risk/index.ts';
import { STRATEGY_NAMES, strategyParamsSchema } from '../../../trading/strategies/index.ts';
import { paperCosts } from '../../support/paper-costs.ts';

const DAY = 86_400_000;
const FROM = Date.UTC(2025, 2, 3);
const TO = FROM + 3 * DAY;
const BARS = createSyntheticFeed({ seed: 5 }).barsBetween('XAUUSDm', FROM - 2 * DAY, TO + 60_000);
const { commissionPerLot, ...GOLD } = paperInstruments(100).find((spec) => spec.symbol === 'XAUUSDm')!;

function settings(
  overrides: { risk?: Record<string, unknown>; mode?: 'hedging' | 'netting'; stops?: StopsPriority } = {},
): BacktestSettings {
  return {
    symbol: 'XAUUSDm',
    instrument: GOLD,
    enabledStrategies: [...STRATEGY_NAMES],
    strategyParams: strategyParamsSchema.parse({}),
    riskSettings: riskSettingsSchema.parse({ decisionMinScore: 0.3, ...overrides.risk }),
    lookback: undefined,
    startingBalance: 10_000,
    accountMode: overrides.mode ?? 'hedging',
    leverage: 100,
    costs: paperCosts(commissionPerLot, { stopsPriority: overrides.stops ?? 'ohlc_path' }),
    schedule: { kind: 'bar_close', delaySeconds: 2 },
    from: FROM,
    to: TO,
    seed: 1,
  };
}

const cents = (amount: number) => Math.round(amount * 100);

describe('runBacktest', () => {
  const result = runBacktest(barColumnsOf(BARS), settings());

  it('keeps its books: trades add up to the balance, the curve ends on it, exposure is a share', () => {
    expect(result.overall.count).toBeGreaterThan(20);
    expect(result.bars).toBe(3 * 24 * 60);
    expect(cents(result.trades.reduce((sum, trade) => sum + trade.pnl, 0))).toBe(
      cents(result.finalBalance - result.startingBalance),
    );
    expect(cents(result.overall.netPnl)).toBe(cents(result.finalBalance - result.startingBalance));
    expect(result.equity.at(-1)!.balance).toBe(result.finalBalance);
    expect(result.overall.exposure).toBeGreaterThan(0);
    expect(result.overall.exposure).toBeLessThanOrEqual(1);
    const perStrategy = Object.values(result.byStrategy).reduce((sum, stats) => sum + stats!.count, 0);
    expect(perStrategy).toBe(result.overall.count);
    expect(result.decisions.opened + result.decisions.ignored).toBe(result.signals);
  });

  it('closes every trade inside the period, what is left open at its last cycle', () => {
    for (const trade of result.trades) {
      expect(trade.openTime).toBeGreaterThanOrEqual(FROM);
      expect(trade.closeTime).toBeLessThanOrEqual(TO + 60_000);
      expect(trade.closeTime).toBeGreaterThanOrEqual(trade.openTime);
    }
    const reasons = new Set(result.trades.map((trade) => trade.closeReason));
    expect([...reasons].every((reason) => ['sl', 'trailing', 'tp', 'end_of_test'].includes(reason))).toBe(true);
    // The default trailing stop moves stops, and a stop it moved is the trailing stop's exit.
    expect(reasons.has('trailing')).toBe(true);
  });

  it('stops at the automatic kill-switch, with everything closed for it', () => {
    const killed = runBacktest(barColumnsOf(BARS), settings({ risk: { killSwitchMaxUnrealizedPct: 0.01 } }));
    expect(killed.killSwitch).not.toBeNull();
    expect(killed.killSwitch!.reason).toMatch(
      /^unrealised loss -\d+\.\d\d USD is \d+\.\d\d% of the balance \(limit 0.01%\)$/,
    );
    const last = killed.trades.filter((trade) => trade.closeTime === killed.killSwitch!.time);
    expect(last.length).toBeGreaterThan(0);
    expect(last.every((trade) => trade.closeReason === 'kill_switch')).toBe(true);
    expect(killed.trades.every((trade) => trade.openTime <= killed.killSwitch!.time)).toBe(true);
  });

  it('nets on a netting account: one position at a time, reversed or reduced by the other side', () => {
    const journal: BacktestJournal = { signals: [], decisions: [], orders: [], deals: [] };
    const netting = runBacktest(
      barColumnsOf(BARS),
      settings({ mode: 'netting', risk: { correlationBlock: false } }),
      undefined,
      journal,
    );
    expect(journal.deals.some((deal) => deal.entry === 'inout' || deal.entry === 'out')).toBe(true);
    // One position at a time: trades never overlap.
    const sorted = [...netting.trades].sort((a, b) => a.openTime - b.openTime);
    sorted.slice(1).forEach((trade, i) => expect(trade.openTime).toBeGreaterThanOrEqual(sorted[i]!.closeTime));
    expect(cents(netting.trades.reduce((sum, trade) => sum + trade.pnl, 0))).toBe(
      cents(netting.finalBalance - netting.startingBalance),
    );
  });

  it('decides on the bar before a gap in the first minute with prices after it', () => {
    const plain: BacktestJournal = { signals: [], decisions: [], orders: [], deals: [] };
    runBacktest(barColumnsOf(BARS), settings(), undefined, plain);
    // A two-hour hole right after a bar that signalled.
    const signalled = plain.signals.find((signal) => signal.barOpenTime >= FROM + 3_600_000)!;
    const holeFrom = signalled.barOpenTime + 60_000;
    const holeTo = holeFrom + 7_200_000;
    const gapped: Bar[] = BARS.filter((bar) => bar.openTime < holeFrom || bar.openTime >= holeTo);
    const journal: BacktestJournal = { signals: [], decisions: [], orders: [], deals: [] };
    runBacktest(barColumnsOf(gapped), settings(), undefined, journal);
    expect(journal.decisions.every(({ time }) => time < holeFrom || time >= holeTo)).toBe(true);
    const decided = journal.decisions.find(({ signal }) => signal.barOpenTime === signalled.barOpenTime);
    expect(decided?.time).toBe(holeTo + 2_000);
  });

  it.each([
    ['from after to', { from: TO, to: FROM }, 'from must be before to'],
    ['no bars in the period', { from: TO + 10 * DAY, to: TO + 11 * DAY }, 'no bars for XAUUSDm in'],
    ['no money', { startingBalance: 0 }, 'startingBalance must be positive'],
  ])('refuses %s', (_name, change, message) => {
    expect(() => runBacktest(barColumnsOf(BARS), { ...settings(), ...change })).toThrow(
      expect.objectContaining({ name: 'Error', message: expect.stringContaining(message) }),
    );
    expect(() => runBacktest(barColumnsOf(BARS), { ...settings(), ...change })).toThrow(BacktestInputError);
  });

  it('sends a requoted open again at the price 200 then 400 ms later, as the live send does', () => {
    // 5 points of slippage and 0–20 of jitter against a 20-point deviation: 4 draws in 21 requote.
    const journal: BacktestJournal = { signals: [], decisions: [], orders: [], deals: [] };
    const slipping = { ...settings(), costs: { ...settings().costs, slippagePoints: 5, slippageJitterPoints: 20 } };
    runBacktest(barColumnsOf(BARS), slipping, undefined, journal);
    const sent = journal.orders.length;
    const requoted = journal.orders.filter((order) => order.result.retcode === 10004);
    const retried = journal.orders.filter((order) => order.time % 1_000 !== 0);
    expect(sent).toBeGreaterThan(50);
    // One send in five requotes; three in a row, about one in a hundred.
    expect(retried.length / sent).toBeGreaterThan(0.1);
    expect(requoted.length / sent).toBeLessThan(0.03);
    for (const order of retried) expect([200, 600]).toContain((order.time % 60_000) - 2_000);
  });

  it('opens nothing for the rest of a UTC day once its losses reach maxDailyLossPct, and trades again the next', () => {
    const journal: BacktestJournal = { signals: [], decisions: [], orders: [], deals: [] };
    const limited = runBacktest(barColumnsOf(BARS), settings({ risk: { maxDailyLossPct: 1 } }), undefined, journal);
    expect(limited.decisions.ignoredBy['daily_loss']).toBeGreaterThan(0);
    const dayOf = (time: number) => Math.floor(time / DAY);
    /** Each trade's day, and the day's realised P&L and balance before it opened. */
    const before = (trades: typeof result.trades) => {
      let balance = 10_000;
      return trades
        .map((trade) => ({ trade, day: dayOf(trade.openTime) }))
        .map(({ trade, day }) => {
          const closedBefore = trades.filter((t) => dayOf(t.closeTime) === day && t.closeTime <= trade.openTime);
          const dayPnl = closedBefore.reduce((sum, t) => sum + t.pnl, 0);
          const earlier = trades.filter((t) => t.closeTime <= trade.openTime);
          balance = 10_000 + earlier.reduce((sum, t) => sum + t.pnl, 0);
          return { trade, day, dayPnl, dayStartBalance: balance - dayPnl };
        });
    };
    // No trade opened once the day had lost 1 % of the balance it started with.
    for (const { dayPnl, dayStartBalance } of before(limited.trades))
      expect(-dayPnl).toBeLessThan(dayStartBalance / 100);
    // Without the limit, some did: the limit is what kept them out.
    expect(before(result.trades).some(({ dayPnl, dayStartBalance }) => -dayPnl >= dayStartBalance / 100)).toBe(true);
    // The day after the first one the limit stopped, the bot trades again.
    const stopped = journal.decisions.find(({ outcome }) =>
      outcome.checks.some((check) => check.name === 'daily_loss' && !check.passed),
    )!;
    expect(stopped.outcome.reason).toMatch(/beyond 1% of the day's opening balance/);
    expect(limited.trades.some((trade) => dayOf(trade.openTime) === dayOf(stopped.time) + 1)).toBe(true);
  });

  it('opens trades only within its trading hours, in their zone; refused signals outside them are counted', () => {
    const london = { tradingHoursStart: '08:00', tradingHoursEnd: '12:00', tradingHoursTimeZone: 'Europe/London' };
    const journal: BacktestJournal = { signals: [], decisions: [], orders: [], deals: [] };
    const session = runBacktest(barColumnsOf(BARS), settings({ risk: london }), undefined, journal);
    const londonClock = (time: number) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeStyle: 'short' }).format(time);
    expect(session.trades.length).toBeGreaterThan(0);
    // Opened in the cycle after the signal's bar closed: within 08:00–12:00 in London.
    for (const order of journal.orders)
      expect(londonClock(order.time) >= '08:00' && londonClock(order.time) < '12:00').toBe(true);
    expect(session.decisions.ignoredBy['trading_hours']).toBeGreaterThan(0);
    const outside = journal.decisions.filter(({ outcome }) =>
      outcome.checks.some((check) => check.name === 'trading_hours' && !check.passed),
    );
    for (const { time } of outside) expect(londonClock(time) >= '08:00' && londonClock(time) < '12:00').toBe(false);
    expect(outside[0]!.outcome.reason).toMatch(/is outside the trading hours 08:00–12:00 Europe\/London/);
    // Without the hours the bot trades at other times too.
    expect(
      result.trades.some((trade) => londonClock(trade.openTime) < '08:00' || londonClock(trade.openTime) >= '12:00'),
    ).toBe(true);
  });

  it('flat outside its trading hours: what is open at their end closes in the first cycle after it, and nothing is held outside them', () => {
    const london = {
      tradingHoursStart: '08:00',
      tradingHoursEnd: '12:00',
      tradingHoursTimeZone: 'Europe/London',
      closeOutsideTradingHours: true,
    };
    const journal: BacktestJournal = { signals: [], decisions: [], orders: [], deals: [] };
    const flat = runBacktest(barColumnsOf(BARS), settings({ risk: london }), undefined, journal);
    const londonClock = (time: number) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeStyle: 'medium' }).format(time);
    // Nothing opens in the last cycle within the hours, 11:59:02: the next would close it at once.
    const lastCycle = journal.decisions.filter((decision) => londonClock(decision.time) === '11:59:02');
    expect(lastCycle.length).toBeGreaterThan(0);
    for (const { outcome } of lastCycle) {
      expect(outcome.checks.find((check) => check.name === 'trading_hours')).toMatchObject({
        passed: false,
        value: '11:59',
      });
    }
    for (const trade of flat.trades) expect(londonClock(trade.openTime) < '11:59:02').toBe(true);
    const atEnd = flat.trades.filter((trade) => trade.closeReason === 'trading_hours');
    expect(atEnd.length).toBeGreaterThan(0);
    // The bot's cycles run 2 s after each bar closes: 12:00:02 is the first outside the hours.
    for (const trade of atEnd) expect(londonClock(trade.closeTime)).toBe('12:00:02');
    for (const trade of flat.trades) {
      expect(londonClock(trade.openTime) >= '08:00' && londonClock(trade.closeTime) <= '12:00:02').toBe(true);
    }
    expect(flat.trades.some((trade) => trade.closeReason === 'sl' || trade.closeReason === 'tp')).toBe(true);
  });

  it('on its trading days alone (Monday and Wednesday): nothing opens on Tuesday, nothing is held into it', () => {
    const days = runBacktest(
      barColumnsOf(BARS),
      settings({ risk: { tradingWeekdays: 'mon,wed', closeOutsideTradingHours: true } }),
    );
    const tuesday = FROM + DAY;
    const opened = (trade: { openTime: number }) => Math.floor((trade.openTime - FROM) / DAY);
    expect(new Set(days.trades.map(opened))).toEqual(new Set([0, 2]));
    for (const trade of days.trades) {
      expect(trade.closeTime <= tuesday + 2_000 || trade.openTime >= tuesday + DAY).toBe(true);
    }
    expect(days.decisions.ignoredBy['trading_hours']).toBeGreaterThan(0);
  });

  it('with stops sl_first, a bar reaching both SL and TP fills the SL at the moment the path reached the TP', () => {
    const pessimistic = runBacktest(barColumnsOf(BARS), settings({ stops: 'sl_first' }));
    // The runs agree up to the first trade whose bar reached both levels; from then on they part.
    const first = result.trades.findIndex((trade, i) => {
      const other = pessimistic.trades[i];
      return other === undefined || other.closeReason !== trade.closeReason || other.closePrice !== trade.closePrice;
    });
    expect(first).toBeGreaterThan(0);
    expect(pessimistic.trades.slice(0, first)).toEqual(result.trades.slice(0, first));
    const [onPath, slFirst] = [result.trades[first]!, pessimistic.trades[first]!];
    expect({ ...slFirst, closeReason: onPath.closeReason, closePrice: onPath.closePrice, profit: 0, pnl: 0 }).toEqual({
      ...onPath,
      profit: 0,
      pnl: 0,
    });
    expect(onPath.closeReason).toBe('tp');
    expect(slFirst.closeReason).toMatch(/^(sl|trailing)$/);
    expect(slFirst.pnl).toBeLessThan(onPath.pnl);
  });

  it('refuses broken bars, naming the bar', () => {
    const broken = BARS.map((bar, i) => (i === 7 ? { ...bar, high: bar.low - 1 } : bar));
    expect(() => runBacktest(barColumnsOf(broken), settings())).toThrow(
      /invalid bars: bar 7: high below open or close/,
    );
  });
});
