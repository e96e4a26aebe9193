// The account-wide daily loss limit (maxAccountDailyLossPct, check `account_daily_loss`): the whole
// account's day — every deal on it, every position open on it at its stop, and this trade — against
// a share of the account's balance at the day's start; lossAtStop, which both daily limits sum; and
// pendingOpenLoss, what an open decided but not yet filled adds to the account's day.
import {
  decide,
  lossAtStop,
  pendingOpenLoss,
  riskSettingsSchema,
  withOpened,
  type AccountDay,
  type CheckResult,
  type DecisionContext,
} from '../../../../trading/risk/index.ts';
import { GOLD_BUY_SIGNAL, market, XAUUSD } from '../fixtures.ts';

/** The base buy loses 49.05 at its stop: 0.15 lots over 320 ticks of 1.00, + 1.05 commission. */
const TRADE_AT_STOP = 49.05;

const limited = (maxAccountDailyLossPct: number) => riskSettingsSchema.parse({ maxAccountDailyLossPct });

function accountCheck(overrides: Partial<DecisionContext>, explain = true): CheckResult {
  const outcome = decide({ signal: GOLD_BUY_SIGNAL, ...market(), ...overrides }, { explain });
  return outcome.checks.find((check) => check.name === 'account_daily_loss')!;
}

describe('the account-wide daily loss limit', () => {
  it('is off by default: passes, reads nothing, shows no value', () => {
    expect(riskSettingsSchema.parse({}).maxAccountDailyLossPct).toBe(0);
    expect(accountCheck({ accountDay: { realizedPnl: -5_000, openLossAtStops: 900 } })).toEqual({
      name: 'account_daily_loss',
      passed: true,
      value: null,
      limit: null,
      reason: 'no account-wide daily loss limit',
    });
  });

  it.each<[string, number, AccountDay, boolean, number, number]>([
    // [name, limit %, account's day, passes, value (the day's loss), limit (money)]
    ['a flat day: this trade alone', 2, { realizedPnl: 0, openLossAtStops: 0 }, true, TRADE_AT_STOP, 200],
    [
      "other bots' losses today: their day start is 10,150, so 2 % is 203.00",
      2,
      { realizedPnl: -150, openLossAtStops: 0 },
      true,
      150 + TRADE_AT_STOP,
      203,
    ],
    [
      "another bot's open positions at their stops take it past",
      2,
      { realizedPnl: -150, openLossAtStops: 4 },
      false,
      150 + 4 + TRADE_AT_STOP,
      203,
    ],
    ['exactly at the limit passes', 1, { realizedPnl: 0, openLossAtStops: 100 - TRADE_AT_STOP }, true, 100, 100],
    [
      "a profitable day leaves room for its profit's worth",
      1,
      { realizedPnl: 300, openLossAtStops: 340 },
      true,
      340 + TRADE_AT_STOP - 300,
      97,
    ],
    [
      'stops locking in profit make room',
      0.5,
      { realizedPnl: -60, openLossAtStops: -60 },
      true,
      60 - 60 + TRADE_AT_STOP,
      50.3,
    ],
  ])('%s', (_name, pct, accountDay, passed, value, limit) => {
    const check = accountCheck({ settings: limited(pct), accountDay });
    expect(check).toMatchObject({ name: 'account_daily_loss', passed, value: expect.closeTo(value, 9), limit });
    expect(check.reason).toMatch(passed ? /within/ : /beyond/);
    // Without words, as a backtest decides: the same result.
    expect(accountCheck({ settings: limited(pct), accountDay }, false)).toEqual({ ...check, reason: '' });
  });

  it("refuses naming the account's sums, and the decision names the check", () => {
    const accountDay = { realizedPnl: -180, openLossAtStops: 12.5 };
    const outcome = decide({ signal: GOLD_BUY_SIGNAL, ...market({ settings: limited(2), accountDay }) });
    expect(outcome.action).toBe('ignore');
    expect(outcome.checks.filter((check) => !check.passed).map((check) => check.name)).toEqual(['account_daily_loss']);
    expect(outcome.reason).toBe(
      "failed account_daily_loss: the account's realised -180.00 today, 12.50 lost at the stops of its open positions and of opens on their way " +
        "and 49.05 at this trade's make a day's loss of 241.55, beyond 2% of its opening balance 10180.00 (203.60)",
    );
  });

  it("refuses when the limit is set but the account's day was not read", () => {
    const check = accountCheck({ settings: limited(2), accountDay: null });
    expect(check).toMatchObject({ passed: false, value: null, limit: null });
    expect(check.reason).toBe("the account's day was not read: no trade can be shown to stay within 2%");
  });

  it("counts a trade opened earlier in the cycle at its stop: the second buy goes past, the bot's own limit off", () => {
    let inTurn = market({ settings: limited(0.8), accountDay: { realizedPnl: 0, openLossAtStops: 0 } });
    const first = decide({ signal: GOLD_BUY_SIGNAL, ...inTurn });
    expect(first.action).toBe('open');
    inTurn = withOpened(inTurn, 'buy', first.volume, first.stopLoss);
    // The first as its fill will leave the account: its opening commission realised, and the rest
    // of its loss at its stop from the ask, closing commission included: 0.15 × (320 × 1.00 + 3.50).
    expect(inTurn.accountDay!.realizedPnl).toBeCloseTo(-0.15 * 3.5, 9);
    expect(inTurn.accountDay!.openLossAtStops).toBeCloseTo(0.15 * 323.5, 9);
    const second = decide({ signal: GOLD_BUY_SIGNAL, ...inTurn });
    expect(second.checks.filter((check) => !check.passed).map((check) => check.name)).toEqual(['account_daily_loss']);
    expect(withOpened(market(), 'buy', 0.15, 1997).accountDay).toBeNull();
  });

  it("is 0 or at least one trade's risk, refused naming maxAccountDailyLossPct otherwise", () => {
    const issues = riskSettingsSchema.safeParse({ maxAccountDailyLossPct: 0.4 }).error?.issues ?? [];
    expect(issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['maxAccountDailyLossPct'], expect.stringMatching(/^must be 0 \(no limit\) or at least riskPerTradePct/)],
    ]);
    expect(riskSettingsSchema.safeParse({ maxAccountDailyLossPct: 101 }).success).toBe(false);
    expect(riskSettingsSchema.parse({ maxAccountDailyLossPct: 0.5 }).maxAccountDailyLossPct).toBe(0.5);
  });
});

describe('lossAtStop', () => {
  const spec = { tickSize: 0.01, tickValue: 1, commissionPerLot: 3.5 };
  // [name, position, its price now, loss]
  it.each([
    ['a buy stopped 3.00 below its open', { side: 'buy', openPrice: 2000, stopLoss: 1997 }, 2001, 0.1 * 303.5],
    ['a sell stopped 3.00 above', { side: 'sell', openPrice: 2000, stopLoss: 2003 }, 1999, 0.1 * 303.5],
    ['a buy whose stop locks in 2.00', { side: 'buy', openPrice: 2000, stopLoss: 2002 }, 2005, 0.1 * -196.5],
    ['a buy without a stop, at its price now', { side: 'buy', openPrice: 2000, stopLoss: null }, 1998.5, 0.1 * 153.5],
    [
      'a buy gapped below its stop, at its price now',
      { side: 'buy', openPrice: 2000, stopLoss: 1997 },
      1995,
      0.1 * 503.5,
    ],
    [
      'a sell gapped above its stop, at its price now',
      { side: 'sell', openPrice: 2000, stopLoss: 2003 },
      2004,
      0.1 * 403.5,
    ],
    ['a sell without a stop, at its price now', { side: 'sell', openPrice: 2000, stopLoss: null }, 1998, 0.1 * -196.5],
    // A stop a hair off the tick grid (float noise) still counts whole ticks.
    [
      'a stop off the tick grid by float noise',
      { side: 'buy', openPrice: 2000, stopLoss: 1997.0000000001 },
      2001,
      0.1 * 303.5,
    ],
  ] as const)('%s', (_name, held, exitWithoutStop, loss) => {
    expect(lossAtStop({ volume: 0.1, ...held }, exitWithoutStop, spec)).toBeCloseTo(loss, 9);
  });

  it("counts each position in its own symbol's ticks", () => {
    const euro = { tickSize: 0.00001, tickValue: 1, commissionPerLot: 0 };
    expect(lossAtStop({ side: 'buy', volume: 1, openPrice: 1.1, stopLoss: 1.099 }, 1.1, euro)).toBeCloseTo(100, 9);
    expect(lossAtStop({ side: 'buy', volume: 1, openPrice: 2000, stopLoss: 1999 }, 2000, XAUUSD)).toBeCloseTo(
      100 + XAUUSD.commissionPerLot,
      9,
    );
  });
});

describe('pendingOpenLoss', () => {
  const spec = { tickSize: 0.01, tickValue: 1, commissionPerLot: 3.5 };
  // [name, open, loss]: both commissions count, as the fill will book the opening one and the stop the closing one.
  it.each([
    [
      'a buy stopped 3.00 below',
      { side: 'buy', openPrice: 2000, stopLoss: 1997, priceNow: 1999.8 },
      0.1 * 300 + 2 * 0.1 * 3.5,
    ],
    [
      'a sell stopped 3.00 above',
      { side: 'sell', openPrice: 2000, stopLoss: 2003, priceNow: 2000.2 },
      0.1 * 300 + 2 * 0.1 * 3.5,
    ],
    // Another symbol's open, no quote at hand: its own price, so its commissions alone.
    ['a buy without a stop, at its own price', { side: 'buy', openPrice: 2000, stopLoss: null, priceNow: 2000 }, 0.7],
    // Of the bot's own symbol: it would close at the bid now, the spread lost.
    [
      'a buy without a stop, at the bid now',
      { side: 'buy', openPrice: 2000.2, stopLoss: null, priceNow: 2000 },
      0.1 * 20 + 0.7,
    ],
    ['a stop that locks in 1.00', { side: 'buy', openPrice: 2000, stopLoss: 2001, priceNow: 2002 }, -0.1 * 100 + 0.7],
  ] as const)('%s', (_name, open, loss) => {
    expect(pendingOpenLoss({ volume: 0.1, instrument: spec, ...open })).toBeCloseTo(loss, 9);
  });

  it("leaves the day's realised P&L as the broker has it: the limit's share stays of the balance the day opened with", () => {
    const settings = limited(1);
    const open = {
      side: 'buy',
      volume: 0.1,
      openPrice: 2000,
      stopLoss: 1997,
      priceNow: 2000,
      instrument: XAUUSD,
    } as const;
    const day: AccountDay = { realizedPnl: -100, openLossAtStops: 50 + pendingOpenLoss(open) };
    const check = accountCheck({ settings, accountDay: day, account: { ...market().account, balance: 9_900 } });
    // 49.05 this trade + 50 open + 30.70 pending + 100 realised; 1 % of 10,000.
    expect(check).toMatchObject({ value: 229.75, limit: 100, passed: false });
  });
});
