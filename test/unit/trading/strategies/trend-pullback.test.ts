import { ADX, EMA } from 'trading-signals';
import type { Bar } from '../../../../trading/market.ts';
import {
  trendPullback,
  trendPullbackParamsSchema,
  type TrendPullbackParams,
} from '../../../../trading/strategies/trend-pullback.ts';
import { T0, mirror, seededRandom } from '../fixtures.ts';
import { evaluate, longAndShort, windowOver } from './run.ts';

const defaults = trendPullbackParamsSchema.parse({});
const round2 = (price: number): number => Math.round(price * 100) / 100;

/** 250 small bullish bars climbing 0.10 a minute: EMA(50) above EMA(200), rising, ADX high. */
function uptrend(count = 250): Bar[] {
  return Array.from({ length: count }, (_, i) => {
    const close = round2(1900 + 0.1 * i);
    return {
      openTime: T0 + i * 60_000,
      open: round2(close - 0.05),
      high: round2(close + 0.05),
      low: round2(close - 0.1),
      close,
      tickVolume: 80,
      spread: 20,
    };
  });
}

/** 250 bars drifting up 0.03 a minute through ±0.6 of noise: EMAs in uptrend order, ADX(14) 19.8. */
function choppyUptrend(): Bar[] {
  const random = seededRandom(10);
  let close = 1900;
  return Array.from({ length: 250 }, (_, i) => {
    const open = close;
    close = round2(open + 0.03 + (random() - 0.5) * 1.2);
    const [high, low] = [round2(Math.max(open, close) + 0.2), round2(Math.min(open, close) - 0.2)];
    return { openTime: T0 + i * 60_000, open, high, low, close, tickVolume: 80, spread: 20 };
  });
}

/** The uptrend, then ten bars falling 0.30 each: EMA(50) still above EMA(200) but falling, ADX(14) 66. */
function uptrendTurningDown(): Bar[] {
  const bars = uptrend();
  for (let i = 0; i < 10; i++) {
    const previous = bars.at(-1)!;
    const close = round2(previous.close - 0.3);
    const [open, high, low] = [round2(previous.close + 0.05), round2(previous.close + 0.1), round2(close - 0.05)];
    bars.push({ openTime: previous.openTime + 60_000, open, high, low, close, tickVolume: 80, spread: 20 });
  }
  return bars;
}

/** The trend plus one last bar relative to the previous close P: [open, high, low, close] offsets. */
function withLastBar(offsets: readonly [number, number, number, number], trend = uptrend()): Bar[] {
  const p = trend.at(-1)!.close;
  const [open, high, low, close] = offsets.map((offset) => round2(p + offset)) as [number, number, number, number];
  return [...trend, { openTime: trend.at(-1)!.openTime + 60_000, open, high, low, close, tickVolume: 80, spread: 20 }];
}

const PULLBACK = [-0.3, 0.1, -1.5, 0.05] as const;

describe('trend pullback', () => {
  it('has the documented defaults and needs 201 bars', () => {
    expect(defaults).toEqual({
      fastEmaPeriod: 20,
      midEmaPeriod: 50,
      slowEmaPeriod: 200,
      slopeBars: 5,
      adxPeriod: 14,
      adxTrendMin: 25,
      trendConfirmation: 'adx_and_slope',
      swingBars: 5,
      stopBufferPips: 1,
      rewardRisk: 1.5,
    });
    expect(trendPullback.minBars(defaults)).toBe(201);
  });

  it('fires a buy when an uptrend bar dips through EMA(20) and closes bullish above it, with the deciding values', () => {
    const series = withLastBar(PULLBACK);
    const hit = evaluate(trendPullback, series, defaults);
    expect(hit).not.toBeNull();
    expect(hit!.direction).toBe('buy');

    const emaOf = (period: number, upTo: readonly Bar[]): number => {
      const ema = new EMA(period);
      upTo.forEach((bar) => ema.add(bar.close));
      return ema.getResultOrThrow();
    };
    // EMA(20) at the signal bar; the trend (EMA 50/200, ADX) on the bar before it.
    const beforeSignal = series.slice(0, -1);
    const adx = new ADX(14);
    beforeSignal.forEach((bar) => adx.add(bar));
    expect(hit!.features.emaFast).toBeCloseTo(emaOf(20, series), 9);
    expect(hit!.features.emaMid).toBeCloseTo(emaOf(50, beforeSignal), 9);
    expect(hit!.features.emaSlow).toBeCloseTo(emaOf(200, beforeSignal), 9);
    expect(hit!.features.adx).toBeCloseTo(adx.getResultOrThrow(), 9);
    expect(hit!.features.adx).toBeGreaterThan(25);
    expect(hit!.features.slopeConfirms).toBe(1);
    expect(hit!.features.adxConfirms).toBe(1);
    const last = series.at(-1)!;
    expect(last.low).toBeLessThanOrEqual(hit!.features.emaFast!);
    expect(last.close).toBeGreaterThan(hit!.features.emaFast!);
    // SL one pip (0.10) below the lowest low of the last five bars, TP at 1.5 R.
    expect(hit!.stopLoss).toBe(round2(last.low - 0.1));
    expect(hit!.takeProfit).toBe(round2(last.close + 1.5 * (last.close - hit!.stopLoss!)));
    expect(hit!.score).toBeGreaterThan(0.5);
    expect(hit!.score).toBeLessThanOrEqual(1);
  });

  it('fires the mirror-image sell in a downtrend', () => {
    const buy = evaluate(trendPullback, withLastBar(PULLBACK), defaults)!;
    const sell = evaluate(trendPullback, mirror(withLastBar(PULLBACK), 2000), defaults);
    expect(sell?.direction).toBe('sell');
    expect(sell!.score).toBeCloseTo(buy.score, 9);
    expect(sell!.stopLoss).toBe(round2(4000 - buy.stopLoss!));
  });

  const flat = uptrend().map((bar) => ({ ...bar, open: 2000, high: 2000.2, low: 1999.8, close: 2000 }));
  // Each misses one condition; the rest hold.
  it.each<[string, Bar[]]>([
    // EMA(50) = EMA(200) = 2000: no direction, though the last bar touches EMA(20) and closes above it.
    ['no trend: EMA(50) = EMA(200)', withLastBar(PULLBACK, flat)],
    ['ADX(14) 19.8, below adxTrendMin, though the EMAs rise in order', withLastBar([0, 0.5, -1, 0.4], choppyUptrend())],
    ['EMA(50) falling, though above EMA(200) with ADX(14) 66', withLastBar([0, 1.8, -0.1, 1.7], uptrendTurningDown())],
    ['a bar that stays above EMA(20)', withLastBar([-0.3, 0.1, -0.5, 0.05])],
    ['a close below EMA(20)', withLastBar([-1.2, -0.8, -1.5, -1.0])],
    ['a bearish bar', withLastBar([0.05, 0.1, -1.5, -0.3])],
    ['one bar short of the warm-up', withLastBar(PULLBACK).slice(-200)],
  ])('does not fire, long or short, on %s', (_name, series) => {
    for (const [, setup] of longAndShort(series, 2000)) expect(evaluate(trendPullback, setup, defaults)).toBeNull();
  });

  it('has the trends those near misses name, read on the bar before the signal bar', () => {
    const at = (series: Bar[]) => {
      const window = windowOver(trendPullback, series, defaults);
      return {
        adx: window.adx(14, 1),
        emaGap: window.ema(50, 1) - window.ema(200, 1),
        slope: window.ema(50, 1) - window.ema(50, 6),
      };
    };
    const choppy = at(withLastBar([0, 0.5, -1, 0.4], choppyUptrend()));
    expect(choppy.adx).toBeCloseTo(19.8, 1);
    expect(choppy.emaGap).toBeGreaterThan(0);
    expect(choppy.slope).toBeGreaterThan(0);
    const turning = at(withLastBar([0, 1.8, -0.1, 1.7], uptrendTurningDown()));
    expect(turning.adx).toBeGreaterThan(60);
    expect(turning.emaGap).toBeGreaterThan(0);
    expect(turning.slope).toBeLessThan(0);
  });

  // What each trendConfirmation accepts: the rows above that miss only the ADX or only the slope.
  it.each<[TrendPullbackParams['trendConfirmation'], boolean, boolean]>([
    ['adx_and_slope', false, false],
    ['adx', false, true],
    ['adx_or_slope', true, true],
  ])('with trendConfirmation %s (fires on weak ADX: %s, on a falling EMA(50): %s)', (mode, weakAdx, falling) => {
    const params = { ...defaults, trendConfirmation: mode };
    const cases: [Bar[], boolean][] = [
      [withLastBar([0, 0.5, -1, 0.4], choppyUptrend()), weakAdx],
      [withLastBar([0, 1.8, -0.1, 1.7], uptrendTurningDown()), falling],
      [withLastBar(PULLBACK), true],
    ];
    for (const [series, fires] of cases) {
      for (const [side, setup] of longAndShort(series, 2000)) {
        expect(evaluate(trendPullback, setup, params)?.direction ?? null).toBe(fires ? side : null);
      }
    }
  });

  it('fires on 201 bars exactly', () => {
    expect(evaluate(trendPullback, withLastBar(PULLBACK).slice(-201), defaults)?.direction).toBe('buy');
  });
});
