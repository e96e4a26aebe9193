import {
  decide,
  RISK_CHECK_NAMES,
  riskSettingsSchema,
  type CheckResult,
  type DecisionContext,
  type DecisionOutcome,
  type OpenPosition,
} from '../../../../trading/risk/index.ts';
import { BOT_MAGIC, GOLD_BUY_SIGNAL, market, T0, XAUUSD } from '../fixtures.ts';

const MINUTE = 60_000;
const OTHER_BOT = 770_002;

function context(overrides: Partial<DecisionContext> = {}): DecisionContext {
  return {
    signal: GOLD_BUY_SIGNAL,
    ...market(),
    ...overrides,
  };
}

const base = context();
const hours = (tradingHoursStart: string, tradingHoursEnd: string, tradingHoursTimeZone: string) =>
  riskSettingsSchema.parse({ tradingHoursStart, tradingHoursEnd, tradingHoursTimeZone });
const position = (overrides: Partial<OpenPosition> = {}): OpenPosition => ({
  magic: BOT_MAGIC,
  symbol: 'XAUUSD',
  side: 'buy',
  volume: 0.1,
  correlationGroup: 'metals',
  openPrice: 1990,
  stopLoss: 1985,
  ...overrides,
});

/** Without words (a backtest): the same decision on the same numbers, every reason left empty. */
function expectSameWithoutWords(overrides: Partial<DecisionContext>, explained: DecisionOutcome): void {
  expect(decide(context(overrides), { explain: false })).toEqual({
    ...explained,
    reason: '',
    checks: explained.checks.map((check) => ({ ...check, reason: '' })),
  });
}

describe('decide', () => {
  it('has the documented risk defaults', () => {
    expect(riskSettingsSchema.parse({})).toEqual({
      decisionMinScore: 0.5,
      maxConcurrentPositions: 3,
      maxAccountPositions: 0,
      riskPerTradePct: 0.5,
      defaultSlPips: 30,
      defaultTpPips: 45,
      trailingStopPips: 20,
      killSwitchMaxUnrealizedPct: 3,
      correlationBlock: true,
      cooldownAfterLossMinutes: 5,
      maxDailyLossPct: 0,
      maxAccountDailyLossPct: 0,
      tradingHoursStart: '00:00',
      tradingHoursEnd: '00:00',
      tradingHoursTimeZone: 'UTC',
      tradingWeekdays: 'mon-sun',
      closeOutsideTradingHours: false,
      dailyLossResetTime: '00:00',
      dailyLossTimeZone: 'UTC',
      deviationPoints: 20,
    });
  });

  it('opens when every check passes, sized from the ask-to-stop distance, and carries every check', () => {
    const outcome = decide(base);
    expect(outcome.action).toBe('open');
    expect(outcome.reason).toBe('all checks passed');
    // 50 risk budget over (2000.20 − 1997.00) = 320 ticks × 1 + 2 × 3.5 commission = 327 per lot → 0.15 lots.
    expect(outcome.volume).toBe(0.15);
    expect(outcome.stopLoss).toBe(1997);
    expect(outcome.takeProfit).toBe(2004.5);
    expect(outcome.score).toBe(0.7);
    // Every check, in the documented order (the list the metrics start from 0).
    expect(outcome.checks.map((check) => check.name)).toEqual([...RISK_CHECK_NAMES]);
    expect(outcome.checks.every((check) => check.passed)).toBe(true);
  });

  it('reports the loss at the stop, spread and commission included, against the budget', () => {
    const sized = (outcome: DecisionOutcome): CheckResult => outcome.checks.find((c) => c.name === 'position_size')!;
    const buy = sized(decide(base));
    expect(buy).toMatchObject({ passed: true, value: expect.closeTo(48 + 1.05, 9), limit: 50 });
    expect(buy.reason).toBe(
      '0.15 lots lose 49.05 at the stop, within the 50.00 budget: ' +
        '48.00 price over 320 ticks from the ask, 20 of them spread, + 1.05 round-trip commission',
    );
    // A sell's chart levels go up by the spread: stopped when the ask reaches 2003.20, the bid 2003,
    // 320 ticks from the bid, 20 of them spread — the buy's mirror image.
    const sell = decide(context({ signal: { ...base.signal, direction: 'sell', stopLoss: 2003, takeProfit: 1995 } }));
    expect([sell.stopLoss, sell.takeProfit, sell.volume]).toEqual([2003.2, 1995.2, 0.15]);
    expect(sized(sell)).toMatchObject({ passed: true, value: expect.closeTo(48 + 1.05, 9), limit: 50 });
    expect(sized(sell).reason).toMatch(
      /48.00 price over 320 ticks from the bid, 20 of them spread, \+ 1.05 round-trip/,
    );
    // The bot's default distances are from the entry price, either side: nothing to move.
    const plain = decide(context({ signal: { ...base.signal, direction: 'sell', stopLoss: null, takeProfit: null } }));
    expect([plain.stopLoss, plain.takeProfit]).toEqual([2003, 1995.5]);
    // Too small an account: what the minimum 0.01 lots would lose, over its 0.25 budget.
    const small = sized(decide(context({ account: { balance: 50, freeMargin: 50, leverage: 100, mode: 'hedging' } })));
    expect(small).toMatchObject({ passed: false, value: expect.closeTo(3.27, 9), limit: 0.25 });
  });

  it.each<[string, Partial<DecisionContext>, string, RegExp]>([
    [
      'bot paused from the terminal',
      { tradingState: { state: 'paused', reason: 'schedule paused: news spike' } },
      'trading_state',
      /bot is paused: schedule paused: news spike/,
    ],
    [
      'bot reducing',
      { tradingState: { state: 'reducing', reason: 'reducing: positions are managed, none opened' } },
      'trading_state',
      /bot is reducing/,
    ],
    [
      'global halt',
      { tradingState: { state: 'halted', reason: 'global kill-switch: flash crash' } },
      'trading_state',
      /halted: global kill-switch: flash crash/,
    ],
    ['auto-trade off', { bot: { autoTrade: false, magic: BOT_MAGIC } }, 'auto_trade', /auto-trade is off/],
    ['low score', { signal: { ...base.signal, score: 0.49 } }, 'min_score', /0.49 is below the minimum 0.5/],
    [
      'a signal before the London session (09:02 in London in January)',
      { settings: hours('10:00', '16:00', 'Europe/London') },
      'trading_hours',
      /09:02 is outside the trading hours 10:00–16:00 Europe\/London$/,
    ],
    [
      "a signal after a window across New York's midnight (04:02 there)",
      { settings: hours('22:00', '03:00', 'America/New_York') },
      'trading_hours',
      /04:02 is outside the trading hours 22:00–03:00 America\/New_York$/,
    ],
    [
      'three positions open',
      { openPositions: [position(), position(), position()] },
      'max_positions',
      /3 open positions of this bot reach its maximum 3/,
    ],
    [
      'the account-wide cap reached by other bots',
      {
        settings: riskSettingsSchema.parse({ maxAccountPositions: 2 }),
        openPositions: [position({ magic: OTHER_BOT }), position({ magic: 0 })],
      },
      'max_account_positions',
      /2 open positions on the account reach the account-wide maximum 2/,
    ],
    [
      'a netting account on which another bot holds the symbol',
      {
        account: { balance: 10_000, freeMargin: 9_000, leverage: 100, mode: 'netting' },
        openPositions: [position({ magic: OTHER_BOT })],
      },
      'netting_position',
      /netting account: XAUUSD is held already, and an order would be netted into that position/,
    ],
    ['wide spread', { quote: { bid: 2000, ask: 2000.41 } }, 'max_spread', /spread 41 points exceeds the maximum 40/],
    [
      'a position on another metal',
      { openPositions: [position({ symbol: 'XAGUSD', side: 'sell' })] },
      'correlation_block',
      /metals already holds XAGUSD sell/,
    ],
    [
      'an opposite position on this symbol',
      { openPositions: [position({ side: 'sell' })] },
      'correlation_block',
      /XAUUSD sell/,
    ],
    [
      'a loss 4 minutes ago',
      { recentLosses: [{ closedAt: T0 - 2 * MINUTE, pnl: -12 }] },
      'cooldown_after_loss',
      /4.0 min ago, cooldown 5 min still running/,
    ],
    [
      "a day's losses that this trade's stop would take past the daily limit",
      { settings: { ...base.settings, maxDailyLossPct: 2 }, dayRealizedPnl: -160 },
      'daily_loss',
      /today's realised -160.00, 0.00 lost at the open positions' stops and 49.05 at this trade's make a day's loss of 209.05, beyond 2% of the day's opening balance 10160.00 \(203.20\)/,
    ],
    [
      'a stop inside the stops level',
      { signal: { ...base.signal, stopLoss: 1999.95 } },
      'stops_level',
      /5 points .* inside the stops level 10/,
    ],
    ['a stop above a buy', { signal: { ...base.signal, stopLoss: 2001 } }, 'stops_level', /wrong side/],
    [
      'a small account',
      { account: { balance: 50, freeMargin: 50, leverage: 100, mode: 'hedging' } },
      'position_size',
      /below the minimum 0.01/,
    ],
    [
      'little free margin',
      { account: { balance: 10_000, freeMargin: 100, leverage: 100, mode: 'hedging' } },
      'margin',
      /required margin 300.03 \+ 0.53 opening commission exceeds free margin 100.00/,
    ],
    [
      'free margin for the margin but not the opening commission',
      { account: { balance: 10_000, freeMargin: 300.2, leverage: 100, mode: 'hedging' } },
      'margin',
      /300.03 \+ 0.53 opening commission exceeds free margin 300.20/,
    ],
  ])('ignores with %s, naming the failed check', (_name, overrides, failedCheck, reason) => {
    const outcome = decide(context(overrides));
    expect(outcome.action).toBe('ignore');
    expect(outcome.checks.filter((check) => !check.passed).map((check) => check.name)).toEqual([failedCheck]);
    expect(outcome.reason).toMatch(new RegExp(`^failed ${failedCheck}: `));
    expect(outcome.reason).toMatch(reason);
    expect(outcome.checks).toHaveLength(RISK_CHECK_NAMES.length);
    expectSameWithoutWords(overrides, outcome);
  });

  it('names every failed check in the reason', () => {
    const outcome = decide(
      context({
        tradingState: { state: 'paused', reason: 'schedule paused: x' },
        bot: { autoTrade: false, magic: BOT_MAGIC },
        signal: { ...base.signal, score: 0.1 },
      }),
    );
    expect(outcome.reason).toMatch(/^failed trading_state, auto_trade, min_score: /);
  });

  it.each<[string, Partial<DecisionContext>]>([
    ['a same-direction position on this symbol', { openPositions: [position()] }],
    // Other bots' positions on the same account do not count against this bot's maximum.
    [
      'three positions of other bots',
      { openPositions: [position({ magic: OTHER_BOT }), position({ magic: OTHER_BOT }), position({ magic: 0 })] },
    ],
    [
      'a position in another group',
      { openPositions: [position({ symbol: 'EURUSD', correlationGroup: 'usd_majors', side: 'sell' })] },
    ],
    ['a loss 5 minutes ago', { recentLosses: [{ closedAt: T0 - 3 * MINUTE, pnl: -12 }] }],
    ['a recent win', { recentLosses: [{ closedAt: T0 + MINUTE, pnl: 5 }] }],
    ['a signal in the London session', { settings: hours('09:00', '16:00', 'Europe/London') }],
    ["a signal in a window across New York's midnight", { settings: hours('22:00', '06:00', 'America/New_York') }],
    [
      'correlation block off',
      {
        settings: { ...riskSettingsSchema.parse({ correlationBlock: false }) },
        openPositions: [position({ symbol: 'XAGUSD' })],
      },
    ],
  ])('still opens with %s', (_name, overrides) => {
    const outcome = decide(context(overrides));
    expect(outcome.action).toBe('open');
    expectSameWithoutWords(overrides, outcome);
  });

  it('falls back to the default SL/TP pips from the entry price when the strategy gives none', () => {
    const outcome = decide(context({ signal: { ...base.signal, stopLoss: null, takeProfit: null } }));
    // 30 pips × 0.1 = 3.00 below the ask of 2000.20; 45 pips = 4.50 above it.
    expect(outcome.stopLoss).toBe(1997.2);
    expect(outcome.takeProfit).toBe(2004.7);
    const sell = decide(context({ signal: { ...base.signal, direction: 'sell', stopLoss: null, takeProfit: null } }));
    expect(sell.stopLoss).toBe(2003);
    expect(sell.takeProfit).toBe(1995.5);
    expect(sell.action).toBe('open');
  });

  it('leaves the take-profit off when defaultTpPips is 0', () => {
    const outcome = decide(
      context({
        settings: riskSettingsSchema.parse({ defaultTpPips: 0 }),
        signal: { ...base.signal, takeProfit: null },
      }),
    );
    expect(outcome.takeProfit).toBeNull();
    expect(outcome.action).toBe('open');
  });

  it('uses 1 / leverage for margin when the instrument reports no margin rate', () => {
    const outcome = decide(
      context({
        instrument: { ...XAUUSD, marginRate: 0 },
        account: { balance: 10_000, freeMargin: 9_000, leverage: 500, mode: 'hedging' },
      }),
    );
    const margin = outcome.checks.find((check) => check.name === 'margin')!;
    // Margin at 1:500 plus the opening deal's commission, 0.15 × 3.5.
    expect(margin.value).toBeCloseTo((0.15 * 100 * 2000.2) / 500 + 0.525, 9);
  });
});

describe('the daily loss limit', () => {
  it("is 0 (off) or at least one trade's risk, refused naming maxDailyLossPct otherwise", () => {
    const issues = riskSettingsSchema.safeParse({ maxDailyLossPct: 0.4 }).error?.issues ?? [];
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['maxDailyLossPct'], expect.stringMatching(/^must be 0 \(no limit\) or at least riskPerTradePct/)],
    ]);
    expect(riskSettingsSchema.parse({ maxDailyLossPct: 0.5 }).maxDailyLossPct).toBe(0.5);
    expect(riskSettingsSchema.parse({ maxDailyLossPct: 0 }).maxDailyLossPct).toBe(0);
  });

  const daily = (overrides: Partial<DecisionContext>): CheckResult =>
    decide(context(overrides)).checks.find((check) => check.name === 'daily_loss')!;
  const limited = (maxDailyLossPct: number) => ({ ...base.settings, maxDailyLossPct });

  // This trade loses 49.05 at its stop (0.15 lots; see above).
  it.each<[string, Partial<DecisionContext>, boolean, number, number | null]>([
    ['off (0): passes, the loss still shown', { dayRealizedPnl: -5_000 }, true, 5_049.05, null],
    ['a fresh day within 2%', { settings: limited(2) }, true, 49.05, 200],
    [
      'a loss so far, the stop still within 2% of the opening balance',
      { settings: limited(2), dayRealizedPnl: -150 },
      true,
      199.05,
      203,
    ],
    ['exactly at the limit: passes', { settings: limited(0.4905) }, true, 49.05, 49.05],
    ['a cent beyond it: refused', { settings: limited(0.4904) }, false, 49.05, 49.04],
    [
      "a profitable day leaves its profit's worth of room",
      { settings: limited(0.1), dayRealizedPnl: 100 },
      true,
      -50.95,
      9.9,
    ],
    [
      'a loss alone past the limit, whatever the trade',
      { settings: limited(1), dayRealizedPnl: -101 },
      false,
      150.05,
      101.01,
    ],
  ])('%s', (_name, overrides, passed, value, limit) => {
    expect(daily(overrides)).toMatchObject({ passed, value, limit });
  });

  // The bot's buy of 0.1 lot at 1990.00 stopped at 1985.00 loses 500 ticks × 1 + 3.5 closing commission per lot: 50.35.
  it.each<[string, OpenPosition, number]>([
    ["the bot's position, at its stop", position({ volume: 0.1 }), 99.4],
    ["another bot's position: not counted", position({ volume: 0.1, magic: OTHER_BOT }), 49.05],
    ['a stop that locks in profit: counts as a gain', position({ volume: 0.1, stopLoss: 1995 }), -0.6],
    ['no stop: its loss at the quote now (here a gain)', position({ volume: 0.1, stopLoss: null }), -50.6],
    ['a sell, stopped above', position({ volume: 0.1, side: 'sell', openPrice: 2000, stopLoss: 2002 }), 69.4],
  ])('counts what the open positions lose at their stops: %s', (_name, open, value) => {
    expect(daily({ settings: limited(1), openPositions: [open] })).toMatchObject({ value, passed: value <= 100 });
  });

  it('refuses the trade that would, stopped out with what is open, pass the limit; not one a cent inside it', () => {
    const open = { openPositions: [position({ volume: 0.1 })] };
    expect(daily({ ...open, settings: limited(0.994) })).toMatchObject({ passed: true, value: 99.4, limit: 99.4 });
    expect(daily({ ...open, settings: limited(0.993) })).toMatchObject({ passed: false, value: 99.4, limit: 99.3 });
  });

  it("counts an unsized trade's stop as nothing: the size check refuses it already", () => {
    const small = { account: { balance: 50, freeMargin: 50, leverage: 100, mode: 'hedging' as const } };
    expect(daily({ ...small, settings: limited(50), dayRealizedPnl: -20 })).toMatchObject({ passed: true, value: 20 });
  });

  it('never opens once the day has lost the limit, whatever the trade (property)', () => {
    for (let i = 0; i < 500; i++) {
      const pct = 0.1 + ((i * 7) % 50) / 10;
      const lost = 10_000 * (pct / 100) * (1 + (i % 5) / 10);
      const outcome = decide(context({ settings: limited(pct), dayRealizedPnl: -lost }));
      expect([pct, lost, outcome.action]).toEqual([pct, lost, 'ignore']);
    }
  });
});

describe('trading hours', () => {
  const at = (iso: string, settings: ReturnType<typeof hours>) =>
    decide(context({ settings, now: Date.parse(iso) })).checks.find((check) => check.name === 'trading_hours')!;

  it.each([
    ['at its start', '2026-01-12T08:00:00Z', true, '08:00'],
    ['a minute before it', '2026-01-12T07:59:59Z', false, '07:59'],
    ['a minute before its end', '2026-01-12T15:59:00Z', true, '15:59'],
    ['at its end', '2026-01-12T16:00:00Z', false, '16:00'],
    ['on summer time: 07:00 UTC is 08:00 in London', '2026-07-13T07:00:00Z', true, '08:00'],
    ['at 23:59, outside', '2026-01-12T23:59:00Z', false, '23:59'],
    ['the morning London springs forward: 07:30 UTC is 08:30', '2026-03-29T07:30:00Z', true, '08:30'],
    ['the morning London falls back: 07:30 UTC is 07:30', '2026-10-25T07:30:00Z', false, '07:30'],
  ])('London 08:00–16:00, %s', (_name, time, passed, value) => {
    expect(at(time, hours('08:00', '16:00', 'Europe/London'))).toMatchObject({
      passed,
      value,
      limit: '08:00–16:00 Europe/London',
    });
  });

  it('is off by default: every time passes, with nothing to compare', () => {
    expect(at('2026-01-12T03:00:00Z', riskSettingsSchema.parse({}))).toEqual({
      name: 'trading_hours',
      passed: true,
      value: null,
      limit: null,
      reason: 'no trading hours set',
    });
  });

  it('refuses hours it cannot read, naming the setting', () => {
    const refused = riskSettingsSchema.safeParse({ tradingHoursStart: '8:00', tradingHoursTimeZone: 'London' });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'tradingHoursStart',
      'tradingHoursTimeZone',
    ]);
  });

  it.each([
    ['22:00, its start', '2026-01-12T22:00:00Z', true],
    ['23:59, its last minute', '2026-01-12T23:59:59Z', true],
    ['00:00, its end', '2026-01-13T00:00:00Z', false],
    ['21:59, before it', '2026-01-12T21:59:00Z', false],
  ])('London 22:00–00:00 (to midnight), at %s', (_name, time, passed) => {
    expect(at(time, hours('22:00', '00:00', 'Europe/London')).passed).toBe(passed);
  });
});
