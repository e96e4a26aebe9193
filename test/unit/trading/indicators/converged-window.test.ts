// A bot's lookback window is long enough that its EMAs and ADXs read as over a long history.
import fc from 'fast-check';
import { z } from 'zod';
import { lookbackFor } from '../../../../bots/service.ts';
import { convergedWindow, SEED_WEIGHT_LIMIT } from '../../../../trading/indicators/converged-window.ts';
import { atrSeries, emaSeries } from './series.ts';
import { STRATEGY_NAMES, strategyMinBars, strategyParamsSchema } from '../../../../trading/strategies/index.ts';
import { randomWalkBars } from '../fixtures.ts';

const defaults = strategyParamsSchema.parse({});

/** The seed's weight in an EMA's last value: the EMA of an impulse at the first bar. */
function emaSeedWeight(period: number, bars: number): number {
  const impulse = new Float64Array(bars);
  impulse[0] = 1;
  return emaSeries(impulse, period).at(-1)!;
}

/** The seed's weight in an ATR's last value: a true range of 1 over the seed's bars only. */
function atrSeedWeight(period: number, bars: number): number {
  const range = (i: number) => (i < period ? 1 : 0);
  return atrSeries(
    Array.from({ length: bars }, (_, i) => ({ high: range(i), low: 0, close: 0 })),
    period,
  ).at(-1)!;
}

describe('convergedWindow', () => {
  it('is the fewest bars after which an EMA read on the last bar has its seed under 0.1 %', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1000 }), (period) => {
        const bars = convergedWindow(period, { ema: [period] });
        expect(emaSeedWeight(period, bars)).toBeLessThan(SEED_WEIGHT_LIMIT);
        expect(emaSeedWeight(period, bars - 1)).toBeGreaterThanOrEqual(SEED_WEIGHT_LIMIT);
      }),
    );
  });

  it('is the fewest such bars for a Wilder smoothing (ATR)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 200 }), (period) => {
        const bars = convergedWindow(period, { atr: [period] });
        expect(atrSeedWeight(period, bars)).toBeLessThan(SEED_WEIGHT_LIMIT);
        expect(atrSeedWeight(period, bars - 1)).toBeGreaterThanOrEqual(SEED_WEIGHT_LIMIT);
      }),
    );
  });

  it('adds to the warm-up what the slowest indicator needs, so every read after it converges too', () => {
    expect(convergedWindow(201, { ema: [20, 50, 200], adx: [14] })).toBe(201 + 691 - 199);
    expect(convergedWindow(27, { adx: [14] })).toBe(27 + 94);
    expect(convergedWindow(12, {})).toBe(12);
  });
});

describe('lookbackFor', () => {
  const lookback = lookbackFor(undefined, [...STRATEGY_NAMES], defaults);

  it('gives default parameters 693 bars, set by trend pullback’s EMA(200)', () => {
    expect(lookback).toBe(693);
    expect(lookbackFor(undefined, ['trend_pullback'], defaults)).toBe(693);
    // Range reversion's ADX(14): 27 bars of warm-up and 94 for its seed to fade.
    expect(lookbackFor(undefined, ['range_reversion'], defaults)).toBe(121);
    expect(lookbackFor(undefined, ['pin_bar', 'doji_breakout'], defaults)).toBe(100);
    expect(lookbackFor(1500, [...STRATEGY_NAMES], defaults)).toBe(1500);
  });

  it('leaves EMA(200) under 0.1 % of its seed on the bars trend pullback reads', () => {
    // The trend is read on the bar before the last one.
    expect(emaSeedWeight(200, lookback - 1)).toBeLessThan(SEED_WEIGHT_LIMIT);
    expect(emaSeedWeight(200, lookback)).toBeLessThan(SEED_WEIGHT_LIMIT);
  });

  it.each([1, 2, 3, 4, 5])(
    'reads EMA(200) within 10 ppm of a 5000-bar history on a gold-like walk (seed %i)',
    (seed) => {
      const closes = randomWalkBars(5000, seed, 2000, 1).map((bar) => bar.close);
      const history = emaSeries(closes, 200).at(-1)!;
      const window = emaSeries(closes.slice(-lookback), 200).at(-1)!;
      expect(Math.abs(window - history) / history).toBeLessThan(10e-6);
    },
  );

  it('follows the periods the enabled strategies are configured with', () => {
    const params = strategyParamsSchema.parse({
      trend_pullback: { slowEmaPeriod: 400 },
      range_reversion: { adxPeriod: 50 },
    });
    const slow = lookbackFor(undefined, ['trend_pullback'], params);
    expect(slow).toBe(convergedWindow(strategyMinBars('trend_pullback', params), { ema: [20, 50, 400], adx: [14] }));
    expect(emaSeedWeight(400, slow - 1)).toBeLessThan(SEED_WEIGHT_LIMIT);
    expect(lookbackFor(undefined, ['range_reversion'], params)).toBe(
      convergedWindow(strategyMinBars('range_reversion', params), { adx: [50] }),
    );
  });

  it('refuses periods that need more bars than a bot may fetch, naming the strategy', () => {
    const params = strategyParamsSchema.parse({ trend_pullback: { slowEmaPeriod: 1500 } });
    expect(() => lookbackFor(undefined, ['pin_bar'], params)).not.toThrow();
    expect(() => lookbackFor(undefined, ['trend_pullback'], params)).toThrow(z.ZodError);
    // An Error too, with a stack: a Temporal activity or a logger reads it as one.
    expect(() => lookbackFor(undefined, ['trend_pullback'], params)).toThrow(Error);
    expect(() => lookbackFor(undefined, ['trend_pullback'], params)).toThrow(
      /trend_pullback needs 5\d{3} closed bars .* more than a bot's 5000/,
    );
  });
});
