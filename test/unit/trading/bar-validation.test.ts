import fc from 'fast-check';
import { barSchema, barSeriesProblems, isValidBar, isValidBarSeries } from '../../../trading/bar-validation.ts';
import { instrumentSpecSchema } from '../../../trading/instrument-validation.ts';
import { XAUUSD, bars } from './fixtures.ts';

describe('bar validation', () => {
  const valid = bars([
    [2000, 2001, 1999, 2000.5],
    [2000.5, 2002, 2000, 2001],
  ]);

  it('accepts ascending, well-formed closed bars', () => {
    expect(barSeriesProblems(valid)).toEqual([]);
    expect(isValidBarSeries(valid)).toBe(true);
  });

  it.each([
    ['high below close', { ...valid[1]!, high: 2000.9 }, /high below open or close/],
    ['low above open', { ...valid[1]!, low: 2000.6 }, /low above open or close/],
    ['time not a whole minute', { ...valid[1]!, openTime: valid[1]!.openTime + 1 }, /openTime/],
    ['negative price', { ...valid[1]!, low: -1 }, /low/],
    ['duplicate time', { ...valid[1]!, openTime: valid[0]!.openTime }, /not after the previous bar/],
  ])('rejects a bar with %s', (_name, bad, problem) => {
    const problems = barSeriesProblems([valid[0]!, bad]);
    expect(problems.join('\n')).toMatch(problem);
    expect(problems.every((line) => line.startsWith('bar 1'))).toBe(true);
  });

  it('checks a bar by plain arithmetic exactly as the schema does', () => {
    const number = fc.oneof(
      fc.double(),
      fc.integer({ min: -5, max: 5 }).map((minutes) => 1_767_225_600_000 + minutes * 60_000),
      fc.integer({ min: -3, max: 3 }).map((cents) => 2000 + cents / 100),
      fc.constantFrom(0, -0, 1, 0.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY),
    );
    fc.assert(
      fc.property(
        fc.record({
          openTime: number,
          open: number,
          high: number,
          low: number,
          close: number,
          tickVolume: number,
          spread: number,
        }),
        (bar) => expect(isValidBar(bar)).toBe(barSchema.safeParse(bar).success),
      ),
      { numRuns: 5000 },
    );
  });

  it('validates instrument specs', () => {
    expect(instrumentSpecSchema.safeParse(XAUUSD).success).toBe(true);
    expect(instrumentSpecSchema.safeParse({ ...XAUUSD, tickSize: 0 }).success).toBe(false);
    expect(instrumentSpecSchema.safeParse({ ...XAUUSD, volumeMin: 200 }).success).toBe(false);
    expect(instrumentSpecSchema.safeParse({ ...XAUUSD, commissionPerLot: -0.5 }).success).toBe(false);
  });
});
