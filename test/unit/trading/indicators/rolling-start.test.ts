// Bollinger bands and range means read their last `period` bars alone: a run started on any
// earlier bar reads the very same bits once the later one has its period, however far the price
// has travelled in between (their sums are whole points, re-based as they go).
import fc from 'fast-check';
import { randomWalkBars } from '../fixtures.ts';
import { bollingerSeries, rangeMeanSeries } from './series.ts';

function bands(closes: readonly number[], period: number, point: number): number[][] {
  const { upper, middle, lower } = bollingerSeries(closes, period, 2, point);
  return closes.map((_, i) => [upper[i]!, middle[i]!, lower[i]!]);
}

function rangeMeans(bars: readonly { high: number; low: number }[], period: number, point: number): number[] {
  return [...rangeMeanSeries(bars, period, point)];
}

describe('rolling indicators from any start', () => {
  it('read the same bits as a run started later, once it has its period', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        // A trend of 30 a bar takes the price 6,000,000 points (at 0.01) from where the first
        // run began: sums of squares of offsets that far out would no longer be exact.
        fc.constantFrom(0, 30),
        (seed, period, laterStart, trend) => {
          const bars = randomWalkBars(2000 + laterStart, seed, 30_000).map((bar, i) => ({
            high: Number((bar.high + i * trend).toFixed(2)),
            low: Number((bar.low + i * trend).toFixed(2)),
            close: Number((bar.close + i * trend).toFixed(2)),
          }));
          const closes = bars.map((bar) => bar.close);
          const fromStart = bands(closes, period, 0.01).slice(laterStart + period - 1);
          const fromLater = bands(closes.slice(laterStart), period, 0.01).slice(period - 1);
          expect(fromLater).toEqual(fromStart);
          const meansFromStart = rangeMeans(bars, period, 0.01).slice(laterStart + period - 1);
          expect(rangeMeans(bars.slice(laterStart), period, 0.01).slice(period - 1)).toEqual(meansFromStart);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('gives the bands of a flat market exactly after the price has travelled far', () => {
    const travelled = [...Array.from({ length: 2000 }, (_, i) => 1000 + i * 37.25), ...Array(5).fill(90_000)];
    expect(bands(travelled, 5, 0.01).at(-1)).toEqual([90_000, 90_000, 90_000]);
  });
});
