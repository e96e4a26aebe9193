// The live cycle's window (fetched bars, computed from their anchor) and the backtester's windows
// (one per anchor of the whole history, each made when it becomes current) must read the very same
// numbers at every bar.
import fc from 'fast-check';
import { barColumnsOf } from '../../../../trading/bar-columns.ts';
import {
  AnchoredWindows,
  anchoredWindow,
  barsToFetch,
  windowStart,
} from '../../../../trading/indicators/anchored-window.ts';
import {
  type IndicatorPlan,
  IndicatorWindow,
  type MarketWindow,
} from '../../../../trading/indicators/market-window.ts';
import type { Bar } from '../../../../trading/market.ts';
import { randomWalkBars } from '../fixtures.ts';

const PLAN: IndicatorPlan = {
  ema: [3, 8],
  adx: [4],
  bollinger: [{ period: 5, deviations: 2 }],
  rangeMean: [3],
  depth: 4,
};

/** Everything a strategy could read from the window, bit for bit. */
function reading(window: MarketWindow) {
  const out: number[] = [window.count];
  for (let back = 0; back < PLAN.depth; back++) {
    out.push(window.openTime(back), window.close(back), window.ema(3, back), window.ema(8, back));
    out.push(window.adx(4, back), window.bollingerUpper(PLAN.bollinger[0]!, back));
    out.push(window.bollingerMiddle(PLAN.bollinger[0]!, back), window.bollingerLower(PLAN.bollinger[0]!, back));
    out.push(window.high(back), window.low(back), window.rangeMean(3, back));
  }
  return out.map((value) => (Number.isNaN(value) ? 'NaN' : value));
}

/** A window over all of `bars`, from their first: what the live window is when they are short. */
function anchoredWindowOver(bars: Bar[]): MarketWindow {
  const window = new IndicatorWindow(PLAN, 0.01, barColumnsOf(bars), 0, bars.length);
  window.advanceTo(bars.length - 1);
  return window;
}

/** Random-walk bars with gaps (closed markets, quiet minutes) between some of them. */
function barsWithGaps(count: number, seed: number, gaps: number[]): Bar[] {
  let shift = 0;
  return randomWalkBars(count, seed).map((bar, i) => {
    shift += (gaps[i % gaps.length] ?? 0) * 60_000;
    return { ...bar, openTime: bar.openTime + shift };
  });
}

describe('anchored windows', () => {
  it('read, at every bar, what the live window over the last 2 × lookback bars reads', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 90 })), { minLength: 1 }),
        (seed, lookback, gaps) => {
          const bars = barsWithGaps(6 * lookback, seed, gaps);
          const backtested = new AnchoredWindows(PLAN, 0.01, lookback, barColumnsOf(bars));
          bars.forEach((_, t) => {
            backtested.push(t);
            const fetched = bars.slice(Math.max(0, t + 1 - barsToFetch(lookback)), t + 1);
            expect([t, reading(backtested.current)]).toEqual([
              t,
              reading(anchoredWindow(fetched, lookback, PLAN, 0.01)),
            ]);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses an indicator outside the plan, as the live window does, from the first bar on', () => {
    const bars = barsWithGaps(30, 1, [0]);
    const backtested = new AnchoredWindows(PLAN, 0.01, 5, barColumnsOf(bars));
    const refuses = (window: MarketWindow) => {
      expect(() => window.bollingerUpper({ period: 7, deviations: 2 }, 0)).toThrow(
        'indicator Bollinger(7, 2) is not in this window',
      );
      expect(() => window.rangeMean(4, 0)).toThrow('indicator range mean(4) is not in this window');
    };
    backtested.push(0);
    refuses(backtested.current);
    refuses(anchoredWindow(bars.slice(0, 1), 5, PLAN, 0.01));
    for (let t = 1; t < bars.length; t++) backtested.push(t);
    refuses(backtested.current);
    refuses(anchoredWindow(bars, 5, PLAN, 0.01));
  });

  it('reads its bars up to the last it advanced to, and refuses to go back or past its end', () => {
    const bars = barsWithGaps(12, 2, [0]);
    const columns = barColumnsOf(bars);
    const window = new IndicatorWindow(PLAN, 0.01, columns, 2, 10);
    expect(window.count).toBe(0);
    expect(window.close(0)).toBeNaN();
    window.advanceTo(6);
    expect(window.count).toBe(5);
    expect(window.close(0)).toBe(bars[6]!.close);
    expect(window.close(3)).toBe(bars[3]!.close);
    // Bar 2 is in the window, but reads go back as deep as the plan says (4 bars) and no deeper.
    expect(window.close(4)).toBeNaN();
    // The values computed past the last bar are what a window ending there holds.
    expect(reading(window)).toEqual(reading(anchoredWindowOver(bars.slice(2, 7))));
    expect(() => window.advanceTo(6)).toThrow("bar 6 is not after this window's last (6) and before its end (10)");
    expect(() => window.advanceTo(10)).toThrow("bar 10 is not after this window's last (6) and before its end (10)");
    window.advanceTo(9);
    expect(reading(window)).toEqual(reading(anchoredWindowOver(bars.slice(2, 10))));
    expect(() => new IndicatorWindow(PLAN, 0.01, columns, 5, 13)).toThrow(
      "a window's bars [5, 13) must lie within the 12 bars",
    );
  });

  it('holds between lookback and 2 × lookback − 1 bars once the history is long enough', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 2, max: 60 }), (seed, lookback) => {
        const bars = barsWithGaps(barsToFetch(lookback), seed, [0, 0, 3, 0, 240]);
        const size = bars.length - windowStart(bars, lookback);
        expect(size).toBeGreaterThanOrEqual(lookback);
        expect(size).toBeLessThanOrEqual(2 * lookback - 1);
      }),
    );
  });

  it.each([
    // lookback 10: periods start every 10 minutes from the epoch; bars every minute from 00:03 to
    // 00:22. 00:20 starts a period but has 3 bars after it; 00:10 has 13.
    ['every minute', [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22], 7],
    // After a gap from 00:05 to 00:31 the period starts at 00:31; 00:40's has only 6 bars.
    ['after a gap', [0, 1, 2, 3, 4, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45], 5],
    // Too short a history: the window is all of it.
    ['a short history', [3, 4, 5, 6, 7, 8, 9, 10, 11], 0],
  ])('starts at the latest new period with lookback bars after it: %s', (_name, minutes, start) => {
    const bars = minutes.map((minute) => ({ openTime: Date.UTC(2026, 0, 1, 0, minute) }));
    expect(windowStart(bars, 10)).toBe(start);
  });
});
