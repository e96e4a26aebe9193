import fc from 'fast-check';
import {
  runStrategies,
  STRATEGY_NAMES,
  strategyMinBars,
  strategyParamsSchema,
} from '../../../../trading/strategies/index.ts';
import { XAUUSD, bars, randomWalkBars } from '../fixtures.ts';

const params = strategyParamsSchema.parse({});
/** A lookback longer than any series here: the window is the whole series. */
const WHOLE_SERIES = 100_000;
const PIN_BAR_SETUP = bars([
  [2000.5, 2001, 1999.5, 1999.8],
  [1999.6, 1999.9, 1998, 1999.8],
]);

describe('runStrategies', () => {
  it('parses {} into every strategy default', () => {
    expect(Object.keys(params).sort()).toEqual([...STRATEGY_NAMES].sort());
    expect(params.pin_bar.maxBodyRatio).toBe(0.33);
    expect(params.trend_pullback.slowEmaPeriod).toBe(200);
    expect(params.doji_breakout.maxBodyRatio).toBe(0.1);
    expect(params.range_reversion.adxMax).toBe(20);
    expect(strategyParamsSchema.safeParse({ pin_bar: { maxBodyRatio: 2 } }).success).toBe(false);
    expect(strategyParamsSchema.parse({ doji_breakout: { breakoutWithinBars: 5 } }).doji_breakout).toMatchObject({
      breakoutWithinBars: 5,
      averagingBars: 10,
    });
  });

  it.each([
    ['pin_bar', 2],
    ['trend_pullback', 201],
    ['doji_breakout', 12],
    ['range_reversion', 27],
  ] as const)('%s needs %i bars with the defaults', (name, minimum) => {
    expect(strategyMinBars(name, params)).toBe(minimum);
  });

  it('stamps each signal with its strategy and the last bar time, only for enabled strategies', () => {
    expect(runStrategies(PIN_BAR_SETUP, ['pin_bar', 'pin_bar', 'doji_breakout'], params, XAUUSD, WHOLE_SERIES)).toEqual(
      [expect.objectContaining({ strategy: 'pin_bar', direction: 'buy', barOpenTime: PIN_BAR_SETUP[1]!.openTime })],
    );
    expect(runStrategies(PIN_BAR_SETUP, ['doji_breakout', 'range_reversion'], params, XAUUSD, WHOLE_SERIES)).toEqual(
      [],
    );
    expect(runStrategies([], [...STRATEGY_NAMES], params, XAUUSD, WHOLE_SERIES)).toEqual([]);
  });

  it('never fires before a strategy’s warm-up, and its signals are well-formed afterwards', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 260 }), (seed, length) => {
        const series = randomWalkBars(length, seed);
        for (const signal of runStrategies(series, STRATEGY_NAMES, params, XAUUSD, WHOLE_SERIES)) {
          expect(length).toBeGreaterThanOrEqual(strategyMinBars(signal.strategy, params));
          expect(signal.barOpenTime).toBe(series.at(-1)!.openTime);
          expect(signal.score).toBeGreaterThanOrEqual(0);
          expect(signal.score).toBeLessThanOrEqual(1);
          const [below, above] =
            signal.direction === 'buy'
              ? [signal.stopLoss!, signal.takeProfit!]
              : [signal.takeProfit!, signal.stopLoss!];
          expect(below).toBeLessThan(signal.entryPrice);
          expect(above).toBeGreaterThan(signal.entryPrice);
          expect(Object.values(signal.features).every(Number.isFinite)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: the same bars give the same signals', () => {
    const series = randomWalkBars(300, 11);
    expect(runStrategies(series, STRATEGY_NAMES, params, XAUUSD, WHOLE_SERIES)).toEqual(
      runStrategies([...series], STRATEGY_NAMES, params, XAUUSD, WHOLE_SERIES),
    );
  });
});
