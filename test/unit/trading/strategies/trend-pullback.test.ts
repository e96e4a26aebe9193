import { ADX, EMA } from 'trading-signals';
import type { Bar } from '../../../../trading/market.ts';
import { trendPullback, trendPullbackParamsSchema } from '../../../../trading/strategies/trend-pullback.ts';
import { T0, mirror } from '../fixtures.ts';
import { evaluate } from './run.ts';

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

  it.each<[string, Bar[]]>([
    ['a bar that stays above EMA(20)', withLastBar([-0.3, 0.1, -0.5, 0.05])],
    ['a close below EMA(20)', withLastBar([-1.2, -0.8, -1.5, -1.0])],
    ['a bearish bar', withLastBar([0.05, 0.1, -1.5, -0.3])],
    ['one bar short of the warm-up', withLastBar(PULLBACK).slice(-200)],
    [
      // EMA(50) = EMA(200) = 2000: no direction, though the last bar touches EMA(20) and closes above it.
      'no trend (flat market)',
      withLastBar(
        PULLBACK,
        uptrend().map((bar) => ({ ...bar, open: 2000, high: 2000.2, low: 1999.8, close: 2000 })),
      ),
    ],
  ])('does not fire on %s', (_name, series) => {
    expect(evaluate(trendPullback, series, defaults)).toBeNull();
    expect(evaluate(trendPullback, mirror(series, 2000), defaults)).toBeNull();
  });

  it('fires on 201 bars exactly', () => {
    expect(evaluate(trendPullback, withLastBar(PULLBACK).slice(-201), defaults)?.direction).toBe('buy');
  });
});
