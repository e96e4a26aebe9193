// Flat bars (weekends, illiquid hours) are valid bars: no indicator may turn NaN on them.
import fc from 'fast-check';
import { ADX, BollingerBands } from 'trading-signals';
import { adxSeries, atrSeries, bollingerSeries, emaSeries, smaSeries, type HighLowClose } from './series.ts';
import { randomWalkBars } from '../fixtures.ts';

const flat = (price: number, count: number): HighLowClose[] =>
  Array.from({ length: count }, () => ({ high: price, low: price, close: price }));

const finiteCount = (series: Float64Array): number => series.filter(Number.isFinite).length;

/** The case: 14 bars flat at 100, then 60 bars that move. */
const flatStart = [...flat(100, 14), ...randomWalkBars(60, 5, 100)];

describe('ADX after a flat start', () => {
  it('has a value on every bar after its warm-up of 2 × 14 − 1 bars', () => {
    const { adx, plusDi, minusDi } = adxSeries(flatStart, 14);
    expect(flatStart.length - (2 * 14 - 2)).toBe(48);
    expect([finiteCount(adx), finiteCount(plusDi), finiteCount(minusDi)]).toEqual([48, 48, 48]);
  });

  it('differs there from trading-signals, whose ADX stays NaN for good', () => {
    const oracle = new ADX(14);
    const values = flatStart.map((bar) => oracle.add(bar));
    expect(values.filter((value) => value !== null && Number.isFinite(value))).toHaveLength(0);
  });

  it('is 0, with both DIs 0, while every bar so far is flat', () => {
    const { adx, plusDi, minusDi } = adxSeries(flat(2000.13, 40), 14);
    for (const series of [adx, plusDi, minusDi]) expect([...series.slice(26)]).toEqual(Array(14).fill(0));
  });
});

describe('Bollinger Bands over a flat window', () => {
  it.each([0.1, 1.0999, 2000.13, 2345.67])('collapse onto the price %p with σ exactly 0', (price) => {
    const bands = bollingerSeries(Array(20).fill(price), 20, 2);
    expect([bands.lower[19], bands.middle[19], bands.upper[19]]).toEqual([price, price, price]);
    expect(smaSeries(Array(20).fill(price), 20)[19]).toBe(price);
  });

  it('differ there from trading-signals, which leaves float noise around the price', () => {
    const oracle = new BollingerBands(20, 2);
    let last: { upper: number; middle: number; lower: number } | null = null;
    for (let i = 0; i < 20; i++) last = oracle.add(2345.67);
    expect(last!.upper).not.toBe(2345.67);
    expect(last!.lower).not.toBe(2345.67);
  });
});

/** Valid bars on a tick grid, in stretches that move and stretches that are flat. */
function barSeries(): fc.Arbitrary<{ bars: HighLowClose[]; tick: number }> {
  const moving = fc.array(fc.tuple(fc.integer({ min: -30, max: 30 }), fc.nat({ max: 20 }), fc.nat({ max: 20 })), {
    minLength: 1,
    maxLength: 40,
  });
  const stretch = fc.oneof(
    moving.map((moves) => ({ moves })),
    fc.integer({ min: 1, max: 60 }).map((flatBars) => ({ flatBars })),
  );
  return fc
    .record({
      start: fc.constantFrom('flat', 'moving'),
      stretches: fc.array(stretch, { maxLength: 6 }),
      allFlat: fc.boolean(),
      base: fc.constantFrom({ price: 2000, tick: 0.01, digits: 2 }, { price: 1.1, tick: 0.00001, digits: 5 }),
    })
    .map(({ start, stretches, allFlat, base }) => {
      const round = (ticks: number) => Number((base.price + ticks * base.tick).toFixed(base.digits));
      const plan = allFlat ? [{ flatBars: 80 }] : [start === 'flat' ? { flatBars: 30 } : { flatBars: 0 }, ...stretches];
      const bars: HighLowClose[] = [];
      let ticks = 0;
      for (const part of plan) {
        if ('flatBars' in part) bars.push(...flat(round(ticks), part.flatBars));
        else
          for (const [move, up, down] of part.moves) {
            ticks += move;
            bars.push({ high: round(ticks + up), low: round(ticks - down), close: round(ticks) });
          }
      }
      return { bars, tick: base.tick };
    })
    .filter(({ bars }) => bars.length > 0);
}

/** Indices from `warmUp` on whose value fails `valid`: none is expected. */
function invalidAfter(series: Float64Array, warmUp: number, valid: (value: number, i: number) => boolean): number[] {
  const invalid: number[] = [];
  for (let i = warmUp; i < series.length; i++) if (!valid(series[i]!, i)) invalid.push(i);
  return invalid;
}

describe('every indicator on valid bars, flat stretches included', () => {
  it('keeps +DI at 100 at most when a move is the whole range after a long flat stretch (found by the property)', () => {
    const flat = (price: number, count: number) => Array.from({ length: count }, () => [price, price, price] as const);
    const shape = [
      ...flat(2000, 30),
      [2000, 1999.95, 2000],
      [2000.06, 1999.92, 2000],
      [2000.42, 2000.29, 2000.29],
      ...flat(2000.29, 54),
      [2000.42, 2000.38, 2000.38],
      [2000.38, 2000.38, 2000.38],
    ] as const;
    const series = shape.map(([high, low, close]) => ({ high, low, close }));
    const { plusDi } = adxSeries(series, 2);
    expect(Math.max(...plusDi.slice(2))).toBeLessThanOrEqual(100);
  });

  it('is finite after its warm-up: ADX and DIs in [0, 100], ATR ≥ 0, bands ordered', () => {
    fc.assert(
      fc.property(barSeries(), fc.integer({ min: 2, max: 30 }), ({ bars, tick }, period) => {
        const closes = bars.map((bar) => bar.close);
        const { adx, plusDi, minusDi } = adxSeries(bars, period);
        const percent = (value: number) => value >= 0 && value <= 100;
        const { lower, middle, upper } = bollingerSeries(closes, period, 2, tick);
        // A flat window is no excursion: its bands are its price.
        const flatWindow = (i: number) => closes.slice(i - period + 1, i + 1).every((close) => close === closes[i]);
        const bandsValid = (value: number, i: number) =>
          Number.isFinite(value) &&
          lower[i]! <= middle[i]! &&
          middle[i]! <= upper[i]! &&
          (!flatWindow(i) || (lower[i] === closes[i] && upper[i] === closes[i]));
        expect({
          adx: invalidAfter(adx, 2 * period - 2, percent),
          plusDi: invalidAfter(plusDi, 2 * period - 2, percent),
          minusDi: invalidAfter(minusDi, 2 * period - 2, percent),
          atr: invalidAfter(atrSeries(bars, period), period - 1, (value) => value >= 0 && value < Infinity),
          ema: invalidAfter(emaSeries(closes, period), period - 1, Number.isFinite),
          bands: invalidAfter(lower, period - 1, bandsValid),
        }).toEqual({ adx: [], plusDi: [], minusDi: [], atr: [], ema: [], bands: [] });
      }),
      { numRuns: 500 },
    );
  });
});
