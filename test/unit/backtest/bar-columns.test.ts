import fc from 'fast-check';
import { barColumnsProblems } from '../../../backtest/bar-columns.ts';
import { barColumnsOf } from '../../../trading/bar-columns.ts';
import { barSeriesProblems } from '../../../trading/bar-validation.ts';
import type { Bar } from '../../../trading/market.ts';

const START = 1_767_225_600_000;

/** Mostly sound bars a minute apart, with broken fields and out-of-order times mixed in. */
const barSeries = fc.array(
  fc
    .record({
      minute: fc.integer({ min: 0, max: 40 }),
      offMinute: fc.constantFrom(0, 0, 0, 0, 1, -60_000 * 100),
      open: fc.oneof(fc.constant(2000), fc.constantFrom(0, -1, Number.NaN, Number.POSITIVE_INFINITY)),
      up: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(-50)),
      down: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(-50)),
      move: fc.integer({ min: -200, max: 200 }),
      tickVolume: fc.oneof(fc.integer({ min: 0, max: 500 }), fc.constantFrom(-1, 0.5)),
      spread: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(-3)),
    })
    .map(({ minute, offMinute, open, up, down, move, tickVolume, spread }): Bar => ({
      openTime: START + minute * 60_000 + offMinute,
      open,
      high: open + Math.max(0, move) / 100 + up / 100,
      low: open + Math.min(0, move) / 100 - down / 100,
      close: open + move / 100,
      tickVolume,
      spread,
    })),
  { maxLength: 30 },
);

describe('bar columns', () => {
  it('finds, in place, exactly the problems barSeriesProblems finds in the same bars as objects', () => {
    fc.assert(
      fc.property(barSeries, (bars) => expect(barColumnsProblems(barColumnsOf(bars))).toEqual(barSeriesProblems(bars))),
      { numRuns: 3000 },
    );
  });

  it('names the bar and what is wrong with it', () => {
    const sound = (minute: number): Bar => ({
      openTime: START + minute * 60_000,
      open: 2000,
      high: 2001,
      low: 1999,
      close: 2000.5,
      tickVolume: 10,
      spread: 20,
    });
    const problems = barColumnsProblems(barColumnsOf([sound(0), { ...sound(1), high: 2000.4 }, sound(2), sound(2)]));
    expect(problems).toEqual([
      'bar 1: high below open or close',
      "bar 3: open time 1767225720000 not after the previous bar's 1767225720000",
    ]);
  });
});
