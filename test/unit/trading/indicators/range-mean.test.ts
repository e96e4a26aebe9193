import fc from 'fast-check';
import { randomWalkBars } from '../fixtures.ts';
import { rangeMeanSeries } from './series.ts';

/** The mean of the last `period` ranges, summed afresh in whole points at every bar. */
function recomputed(bars: readonly { high: number; low: number }[], period: number, point: number): number[] {
  return bars.map((_, i) => {
    if (i + 1 < period) return Number.NaN;
    let sum = 0;
    for (const bar of bars.slice(i + 1 - period, i + 1))
      sum += Math.round(bar.high / point) - Math.round(bar.low / point);
    return (sum * point) / period;
  });
}

describe('rangeMeanColumn', () => {
  it.each([
    { name: 'one bar', ranges: [[2000.5, 2000.0]], period: 1, expected: [0.5] },
    {
      name: 'NaN until the period is in, then the mean of the last ones',
      ranges: [
        [2000.3, 2000.0],
        [2000.1, 2000.0],
        [2000.5, 2000.0],
        [2000.0, 2000.0],
      ],
      period: 3,
      expected: [Number.NaN, Number.NaN, 0.3, 0.2],
    },
    {
      name: 'flat bars: exactly 0',
      ranges: [
        [1.2345, 1.2345],
        [1.2345, 1.2345],
      ],
      period: 2,
      expected: [Number.NaN, 0],
    },
  ])('$name', ({ ranges, period, expected }) => {
    const point = ranges[0]![0]! > 100 ? 0.01 : 0.00001;
    const out = rangeMeanSeries(
      ranges.map(([high, low]) => ({ high: high!, low: low! })),
      period,
      point,
    );
    out.forEach((value, i) => {
      if (Number.isNaN(expected[i]!)) expect(value).toBeNaN();
      else expect(value).toBeCloseTo(expected[i]!, 12);
    });
  });

  it('gives exactly what a fresh sum over the last bars gives, however long it runs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 30 }), (seed, period) => {
        const bars = randomWalkBars(500, seed);
        expect([...rangeMeanSeries(bars, period, 0.01)]).toEqual(recomputed(bars, period, 0.01));
      }),
      { numRuns: 100 },
    );
  });
});
