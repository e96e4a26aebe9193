// Bollinger bands and range means read their last `period` bars alone: a stream started on any
// earlier bar reads the very same bits once the later one has its period. The backtester relies on
// it to stream them once for all its anchored windows.
import fc from 'fast-check';
import { StreamingBollinger, StreamingRangeMean } from '../../../../trading/indicators/streaming.ts';
import { randomWalkBars } from '../fixtures.ts';

function bands(closes: readonly number[], period: number, point: number): number[][] {
  const stream = new StreamingBollinger(period, 2, point);
  return closes.map((close) => {
    stream.update(close);
    return [stream.upper, stream.middle, stream.lower];
  });
}

function rangeMeans(bars: readonly { high: number; low: number }[], period: number, point: number): number[] {
  const stream = new StreamingRangeMean(period, point);
  return bars.map((bar) => {
    stream.update(bar.high, bar.low);
    return stream.mean;
  });
}

describe('rolling indicators from any start', () => {
  it('read the same bits as a stream started later, once it has its period', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        // A trend of 30 a bar takes the price 6,000,000 points (at 0.01) from where the first
        // stream began: sums of squares of offsets that far out would no longer be exact.
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
