import { dojiBreakout, dojiBreakoutParamsSchema } from '../../../../trading/strategies/doji-breakout.ts';
import { bars, mirror } from '../fixtures.ts';
import { evaluate, longAndShort } from './run.ts';

const defaults = dojiBreakoutParamsSchema.parse({});
type Ohlc = readonly [number, number, number, number];

// Ten bars of range 1.00, a doji (body 0.05 = 5 % of that), quiet bars inside it, a breakout.
const BASE: Ohlc[] = Array.from({ length: 10 }, (_, i) =>
  i % 2 === 0 ? [2000, 2000.6, 1999.6, 2000.2] : [2000.2, 2000.6, 1999.6, 2000],
);
const DOJI: Ohlc = [2000, 2000.5, 1999.5, 2000.05];
const INSIDE: Ohlc = [2000.1, 2000.4, 1999.7, 2000.2];
const BREAKOUT: Ohlc = [2000.2, 2000.9, 2000.1, 2000.7];

describe('doji breakout', () => {
  it('has the documented defaults and needs 12 bars', () => {
    expect(defaults).toEqual({
      maxBodyRatio: 0.1,
      averagingBars: 10,
      breakoutWithinBars: 3,
      stopBufferPips: 1,
      rewardRisk: 1.5,
    });
    expect(dojiBreakout.minBars(defaults)).toBe(12);
  });

  it('fires a buy on the first close above the doji, SL beyond its low, with the deciding values', () => {
    const hit = evaluate(dojiBreakout, bars([...BASE, DOJI, BREAKOUT]), defaults);
    expect(hit).not.toBeNull();
    expect(hit!.direction).toBe('buy');
    expect(hit!.stopLoss).toBe(1999.4);
    expect(hit!.takeProfit).toBe(2002.65);
    expect(hit!.features.dojiBodyRatio).toBeCloseTo(0.05, 9);
    expect(hit!.features.averageRangePips).toBeCloseTo(10, 9);
    expect(hit!.features.barsSinceDoji).toBe(1);
    expect(hit!.features.breakoutPips).toBeCloseTo(2, 9);
    // Mean of doji quality (1 − 0.05/0.1 = 0.5) and breakout 0.2 of the average range.
    expect(hit!.score).toBeCloseTo((0.5 + 0.2) / 2, 9);
  });

  it('fires the mirror-image sell', () => {
    const sell = evaluate(dojiBreakout, mirror(bars([...BASE, DOJI, BREAKOUT]), 2000), defaults);
    expect(sell?.direction).toBe('sell');
    expect(sell!.stopLoss).toBe(2000.6);
  });

  it('fires up to breakoutWithinBars bars after the doji', () => {
    const hit = evaluate(dojiBreakout, bars([...BASE, DOJI, INSIDE, INSIDE, BREAKOUT]), defaults);
    expect(hit?.features.barsSinceDoji).toBe(3);
  });

  // TA-Lib's comparison is ≤: a body of exactly 0.1 × the average range is a doji. Quarter prices
  // keep the arithmetic exact: ranges of 2.5, a body of 0.25.
  const WIDE: Ohlc[] = Array.from({ length: 10 }, () => [2000, 2001.25, 1998.75, 2000.5]);
  it.each<[string, Ohlc[]]>([
    [
      'a body of exactly 10 % of the average range',
      [...WIDE, [2000, 2001, 1999, 2000.25], [2000.5, 2001.5, 2000, 2001.25]],
    ],
    [
      'a doji without a body after flat bars (average range 0)',
      [...Array.from({ length: 10 }, (): Ohlc => [2000, 2000, 2000, 2000]), [2000, 2000.5, 1999.5, 2000], BREAKOUT],
    ],
  ])('fires, long and short, on %s', (_name, ohlc) => {
    for (const [side, series] of longAndShort(bars(ohlc), 2000)) {
      expect(evaluate(dojiBreakout, series, defaults)?.direction).toBe(side);
    }
  });

  // Each misses one condition; the rest hold.
  it.each<[string, Ohlc[]]>([
    ['a breakout 4 bars after the doji', [...BASE, DOJI, INSIDE, INSIDE, INSIDE, BREAKOUT]],
    ['a second close beyond the doji', [...BASE, DOJI, BREAKOUT, BREAKOUT]],
    ['a body of 11 % of the average range', [...BASE, [2000, 2000.5, 1999.5, 2000.11], BREAKOUT]],
    [
      'a body after flat bars (average range 0)',
      [...Array.from({ length: 10 }, (): Ohlc => [2000, 2000, 2000, 2000]), [2000, 2000.5, 1999.5, 2000.01], BREAKOUT],
    ],
    ['a close exactly at the doji high', [...BASE, DOJI, [2000.2, 2000.9, 2000.1, 2000.5]]],
    ['one bar short of the warm-up', [...BASE.slice(1), DOJI, BREAKOUT]],
  ])('does not fire, long or short, on %s', (_name, ohlc) => {
    for (const [, series] of longAndShort(bars(ohlc), 2000))
      expect(evaluate(dojiBreakout, series, defaults)).toBeNull();
  });
});
