import { ADX, BollingerBands, DonchianChannels } from 'trading-signals';
import type { Bar } from '../../../../trading/market.ts';
import { rangeReversion, rangeReversionParamsSchema } from '../../../../trading/strategies/range-reversion.ts';
import { bars, mirror } from '../fixtures.ts';
import { evaluate, longAndShort } from './run.ts';

const defaults = rangeReversionParamsSchema.parse({});
type Ohlc = readonly [number, number, number, number];

// A flat, choppy range (ADX near 0), one close far below the lower band, then a close back inside.
const RANGE: Ohlc[] = Array.from({ length: 60 }, (_, i) =>
  i % 2 === 0 ? [2000.4, 2000.6, 1999.8, 2000] : [2000, 2000.6, 1999.8, 2000.4],
);
const EXCURSION: Ohlc = [2000, 2000.1, 1998.9, 1999];
const REENTRY: Ohlc = [1999, 1999.9, 1998.95, 1999.8];

function oracle(series: readonly Bar[]): { adx: number; bands: { upper: number; middle: number; lower: number }[] } {
  const adx = new ADX(14);
  const bollinger = new BollingerBands(20, 2);
  const bands = series.map((bar) => {
    adx.add(bar);
    return bollinger.add(bar.close)!;
  });
  return { adx: adx.getResultOrThrow(), bands };
}

describe('range reversion', () => {
  it('has the documented defaults and needs 27 bars', () => {
    expect(defaults).toEqual({
      channel: 'bollinger',
      donchianPeriod: 20,
      adxPeriod: 14,
      adxMax: 20,
      bollingerPeriod: 20,
      bollingerDeviations: 2,
      stopBufferPips: 1,
    });
    expect(rangeReversion.minBars(defaults)).toBe(27);
  });

  it('fires a buy when a close below the lower band is followed by one back inside, TP at the middle band', () => {
    const series = bars([...RANGE, EXCURSION, REENTRY]);
    const { adx, bands } = oracle(series);
    expect(series.at(-2)!.close).toBeLessThan(bands.at(-2)!.lower);
    expect(adx).toBeLessThan(20);

    const hit = evaluate(rangeReversion, series, defaults);
    expect(hit).not.toBeNull();
    expect(hit!.direction).toBe('buy');
    expect(hit!.features.adx).toBeCloseTo(adx, 9);
    expect(hit!.features.bollingerLower).toBeCloseTo(bands.at(-1)!.lower, 9);
    expect(hit!.features.bollingerMiddle).toBeCloseTo(bands.at(-1)!.middle, 9);
    expect(hit!.features.previousClose).toBe(1999);
    expect(hit!.stopLoss).toBe(1998.8);
    expect(hit!.takeProfit).toBe(Math.round(bands.at(-1)!.middle * 100) / 100);
    expect(hit!.score).toBeGreaterThan(0);
    expect(hit!.score).toBeLessThanOrEqual(1);
  });

  it('fires the mirror-image sell', () => {
    const buy = evaluate(rangeReversion, bars([...RANGE, EXCURSION, REENTRY]), defaults)!;
    const sell = evaluate(rangeReversion, mirror(bars([...RANGE, EXCURSION, REENTRY]), 2000), defaults);
    expect(sell?.direction).toBe('sell');
    expect(sell!.score).toBeCloseTo(buy.score, 9);
    expect(sell!.stopLoss).toBe(2001.2);
  });

  const STILL_OUTSIDE: Ohlc = [1999, 1999.3, 1998.9, 1999.05];
  it('has the near misses below on the side of the bands their names say', () => {
    const stillOutside = bars([...RANGE, EXCURSION, STILL_OUTSIDE]);
    expect(stillOutside.at(-1)!.close).toBeLessThan(oracle(stillOutside).bands.at(-1)!.lower);
    const pastMiddle = bars([...RANGE, EXCURSION, [1999, 2000.6, 1998.95, 2000.5]]);
    expect(pastMiddle.at(-1)!.close).toBeGreaterThan(oracle(pastMiddle).bands.at(-1)!.middle);
    const neverOutside = bars([...RANGE, [2000, 2000.1, 1999.7, 1999.9], REENTRY]);
    expect(neverOutside.at(-2)!.close).toBeGreaterThan(oracle(neverOutside).bands.at(-2)!.lower);
  });

  // Each misses one condition; the rest hold.
  it.each<[string, Ohlc[]]>([
    ['no close outside the band before', [...RANGE, [2000, 2000.1, 1999.7, 1999.9], REENTRY]],
    ['a close still outside the band', [...RANGE, EXCURSION, STILL_OUTSIDE]],
    ['a re-entry close beyond the middle band', [...RANGE, EXCURSION, [1999, 2000.6, 1998.95, 2000.5]]],
    ['one bar short of the warm-up', [...RANGE.slice(-24), EXCURSION, REENTRY]],
  ])('does not fire, long or short, on %s', (_name, ohlc) => {
    for (const [, series] of longAndShort(bars(ohlc), 2000)) {
      expect(evaluate(rangeReversion, series, defaults)).toBeNull();
    }
  });

  it('does not fire, long or short, when ADX is not below adxMax', () => {
    const adx = oracle(bars([...RANGE, EXCURSION, REENTRY])).adx;
    for (const [side, series] of longAndShort(bars([...RANGE, EXCURSION, REENTRY]), 2000)) {
      expect(evaluate(rangeReversion, series, { ...defaults, adxMax: adx })).toBeNull();
      expect(evaluate(rangeReversion, series, { ...defaults, adxMax: adx + 0.01 })?.direction).toBe(side);
    }
  });
});

describe('range reversion on a Donchian channel', () => {
  const donchian = rangeReversionParamsSchema.parse({ channel: 'donchian' });
  // A wide choppy range (ADX near 0), one close below its lowest low, then a close back inside.
  const WIDE: Ohlc[] = Array.from({ length: 60 }, (_, i) =>
    i % 2 === 0 ? [2000.5, 2002, 1998, 2001] : [2001, 2002, 1998, 2000.5],
  );
  const DIP: Ohlc = [2000.5, 2000.6, 1997, 1997.5];
  const BACK: Ohlc = [1997.5, 1998.9, 1997.4, 1998.6];

  function channels(series: readonly Bar[]) {
    const adx = new ADX(14);
    const channel = new DonchianChannels(20);
    const values = series.map((bar) => {
      adx.add(bar);
      return channel.add(bar);
    });
    // The channel of the 20 bars before the previous one, and of the 20 ending on the last.
    return { adx: adx.getResultOrThrow(), prior: values.at(-3)!, current: values.at(-1)! };
  }

  it('needs the channel before the previous bar and the ADX warmed up; reads no Bollinger bands', () => {
    expect(rangeReversion.minBars(donchian)).toBe(27);
    expect(rangeReversion.minBars({ ...donchian, donchianPeriod: 40 })).toBe(42);
    expect(rangeReversion.plan(donchian)).toEqual({ adx: [14], depth: 22 });
  });

  it("fires a buy when a close below the prior bars' lowest low is followed by one back inside, TP at the channel's middle", () => {
    const series = bars([...WIDE, DIP, BACK]);
    const { adx, prior, current } = channels(series);
    expect(series.at(-2)!.close).toBeLessThan(prior!.lower);
    expect(adx).toBeLessThan(20);

    const hit = evaluate(rangeReversion, series, donchian);
    expect(hit).toMatchObject({ direction: 'buy', entryPrice: 1998.6, stopLoss: 1996.9, takeProfit: 1999.5 });
    expect(hit!.features).toEqual({
      adx: expect.closeTo(adx, 9),
      priorHigh: prior!.upper,
      priorLow: prior!.lower,
      donchianUpper: current!.upper,
      donchianMiddle: current!.middle,
      donchianLower: current!.lower,
      previousClose: 1997.5,
      excursion: (prior!.lower - 1997.5) / ((prior!.upper - prior!.lower) / 2),
      roomToMiddle: (current!.middle - 1998.6) / ((current!.upper - current!.lower) / 2),
    });
    expect(hit!.score).toBeGreaterThan(0);
    expect(hit!.score).toBeLessThanOrEqual(1);
  });

  it('fires the mirror-image sell', () => {
    const buy = evaluate(rangeReversion, bars([...WIDE, DIP, BACK]), donchian)!;
    const sell = evaluate(rangeReversion, mirror(bars([...WIDE, DIP, BACK]), 2000), donchian);
    expect(sell).toMatchObject({ direction: 'sell', stopLoss: 2003.1, takeProfit: 2000.5 });
    expect(sell!.score).toBeCloseTo(buy.score, 9);
  });

  it.each<[string, Ohlc[]]>([
    ['no close beyond the channel before', [...WIDE, [2000.5, 2000.6, 1997, 1998.1], BACK]],
    ['a close still beyond the channel', [...WIDE, DIP, [1997.5, 1998.2, 1997.4, 1997.9]]],
    ["a re-entry close beyond the channel's middle", [...WIDE, DIP, [1997.5, 2000, 1997.4, 1999.6]]],
    ['one bar short of the warm-up', [...WIDE.slice(-24), DIP, BACK]],
    // A close above the whole channel before, the middle pulled up by the spike: a breakout, not a fade.
    ['a close beyond the far edge', [...WIDE, DIP, [1997.5, 2010, 1997.4, 2003]]],
  ])('does not fire, long or short, on %s', (_name, ohlc) => {
    for (const [, series] of longAndShort(bars(ohlc), 2000)) {
      expect(evaluate(rangeReversion, series, donchian)).toBeNull();
    }
  });

  it("waits for a longer channel's bars: donchianPeriod + 2", () => {
    const long = { ...donchian, donchianPeriod: 40 };
    expect(evaluate(rangeReversion, bars([...WIDE.slice(-39), DIP, BACK]), long)).toBeNull();
    expect(evaluate(rangeReversion, bars([...WIDE.slice(-40), DIP, BACK]), long)?.direction).toBe('buy');
  });

  it('does not fire, long or short, when ADX is not below adxMax', () => {
    const adx = channels(bars([...WIDE, DIP, BACK])).adx;
    for (const [side, series] of longAndShort(bars([...WIDE, DIP, BACK]), 2000)) {
      expect(evaluate(rangeReversion, series, { ...donchian, adxMax: adx })).toBeNull();
      expect(evaluate(rangeReversion, series, { ...donchian, adxMax: adx + 0.01 })?.direction).toBe(side);
    }
  });
});
