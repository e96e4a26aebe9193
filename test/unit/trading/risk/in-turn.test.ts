import fc from 'fast-check';
import { requiredMargin } from '../../../../trading/margin.ts';
import {
  decide,
  lossLookbackMs,
  type MarketContext,
  riskSettingsSchema,
  withOpened,
} from '../../../../trading/risk/index.ts';
import type { StrategySignal } from '../../../../trading/strategies/index.ts';
import { BOT_MAGIC, market as marketWith, T0, XAUUSD } from '../fixtures.ts';

const market: MarketContext = marketWith({ settings: riskSettingsSchema.parse({ maxConcurrentPositions: 2 }) });

const signal = (direction: 'buy' | 'sell'): StrategySignal => ({
  strategy: 'pin_bar',
  direction,
  barOpenTime: T0 - 60_000,
  score: 0.8,
  entryPrice: 2000,
  stopLoss: direction === 'buy' ? 1997 : 2003.2,
  takeProfit: direction === 'buy' ? 2004.5 : 1995.5,
  features: {},
});

/** Signals decided as evaluateRisk and the backtester decide them: in turn. */
function inTurn(start: MarketContext, signals: StrategySignal[]) {
  let current = start;
  return signals.map((next) => {
    const outcome = decide({ ...current, signal: next }, { explain: false });
    if (outcome.action === 'open') current = withOpened(current, next.direction, outcome.volume, outcome.stopLoss);
    return outcome;
  });
}

describe('withOpened', () => {
  it('adds the bot’s position at the entry price with its stop, takes its margin and opening commission off the free margin, and its commission off the balance and the day', () => {
    const after = withOpened(market, 'sell', 0.3, 2003);
    expect(after.openPositions).toEqual([
      {
        magic: BOT_MAGIC,
        symbol: 'XAUUSD',
        side: 'sell',
        volume: 0.3,
        openPrice: 2000,
        correlationGroup: 'metals',
        stopLoss: 2003,
      },
    ]);
    const taken = requiredMargin(0.3, 2000, XAUUSD, 100) + XAUUSD.commissionPerLot * 0.3;
    expect(after.account.freeMargin).toBeCloseTo(9_000 - taken, 9);
    // As the fill will book it: the opening deal's commission is realised, the day's opening balance unchanged.
    expect(after.account.balance).toBeCloseTo(10_000 - XAUUSD.commissionPerLot * 0.3, 9);
    expect(after.dayRealizedPnl).toBeCloseTo(-XAUUSD.commissionPerLot * 0.3, 9);
    expect(after.account.balance - after.dayRealizedPnl).toBeCloseTo(10_000, 9);
    expect(market.openPositions).toEqual([]);
    expect(market.account.freeMargin).toBe(9_000);
  });

  it('a buy opens at the ask', () => {
    expect(withOpened(market, 'buy', 0.1, 1997).openPositions[0]!.openPrice).toBe(2000.2);
  });
});

describe('a cycle’s signals decided in turn', () => {
  it.each([
    ['three buys, room for two', ['buy', 'buy', 'buy'], ['open', 'open', 'ignore']],
    ['a buy then a sell (correlation block)', ['buy', 'sell'], ['open', 'ignore']],
    ['a sell then a buy (correlation block)', ['sell', 'buy'], ['open', 'ignore']],
  ] as const)('%s', (_name, directions, actions) => {
    expect(inTurn(market, directions.map(signal)).map((o) => o.action)).toEqual(actions);
  });

  it('on a netting account the first open leaves the symbol held: the second is refused on netting_position', () => {
    const netting = { ...market, account: { ...market.account, mode: 'netting' as const } };
    const outcomes = inTurn(netting, [signal('buy'), signal('buy')]);
    expect(outcomes.map((o) => o.action)).toEqual(['open', 'ignore']);
    expect(outcomes[1]!.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['netting_position']);
  });

  it("the first open's loss at its stop counts for the second against the daily loss limit", () => {
    const limited = { ...market, settings: { ...market.settings, maxDailyLossPct: 0.6 } };
    const [first, second] = inTurn(limited, [signal('buy'), signal('buy')]);
    expect(first!.action).toBe('open');
    expect(second!.action).toBe('ignore');
    expect(second!.checks.filter((check) => !check.passed).map((check) => check.name)).toEqual(['daily_loss']);
  });

  it('the free margin left after the first open refuses the second on margin', () => {
    const first = decide({ ...market, signal: signal('buy') }, { explain: false });
    const needed = requiredMargin(first.volume, 2000.2, XAUUSD, 100) + XAUUSD.commissionPerLot * first.volume;
    const tight = { ...market, account: { ...market.account, freeMargin: needed * 1.5 } };
    const outcomes = inTurn(tight, [signal('buy'), signal('buy')]);
    expect(outcomes.map((o) => o.action)).toEqual(['open', 'ignore']);
    expect(outcomes[1]!.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual(['margin']);
  });

  it('never opens more than maxConcurrentPositions, whatever the signals of a bar', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.constantFrom('buy' as const, 'sell' as const), { maxLength: 4 }),
        (cap, directions) => {
          const capped = { ...market, settings: { ...market.settings, maxConcurrentPositions: cap } };
          const opened = inTurn(capped, directions.map(signal)).filter((o) => o.action === 'open').length;
          expect(opened).toBeLessThanOrEqual(cap);
        },
      ),
    );
  });
});

describe('lossLookbackMs', () => {
  it.each([
    [0, 24 * 60],
    [5, 24 * 60],
    [24 * 60, 24 * 60],
    [2 * 24 * 60, 2 * 24 * 60],
  ])('a cooldown of %i minutes reads the losses of the last %i minutes', (cooldown, minutes) => {
    expect(lossLookbackMs({ cooldownAfterLossMinutes: cooldown })).toBe(minutes * 60_000);
  });
});
