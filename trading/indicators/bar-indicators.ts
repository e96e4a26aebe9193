// Indicator series over one bar window, computed on first request and shared by every
// strategy that asks for the same indicator in the same run.
import type { Bar } from '../market.ts';
import { adxSeries, atrSeries, bollingerSeries, emaSeries, type BandSeries, type DirectionalSeries } from './series.ts';

export interface BarIndicators {
  readonly bars: readonly Bar[];
  closes(): Float64Array;
  ema(period: number): Float64Array;
  bollinger(period: number, deviations: number): BandSeries;
  adx(period: number): DirectionalSeries;
  atr(period: number): Float64Array;
}

function closePrices(bars: readonly Bar[]): Float64Array {
  const closes = new Float64Array(bars.length);
  for (let i = 0; i < bars.length; i++) closes[i] = bars[i]!.close;
  return closes;
}

function memoize<T>(cache: Map<string, unknown>, key: string, compute: () => T): T {
  if (!cache.has(key)) cache.set(key, compute());
  return cache.get(key) as T;
}

export function barIndicators(bars: readonly Bar[]): BarIndicators {
  const cache = new Map<string, unknown>();
  const closes = (): Float64Array => memoize(cache, 'close', () => closePrices(bars));
  return {
    bars,
    closes,
    ema: (period) => memoize(cache, `ema:${period}`, () => emaSeries(closes(), period)),
    bollinger: (period, deviations) =>
      memoize(cache, `bb:${period}:${deviations}`, () => bollingerSeries(closes(), period, deviations)),
    adx: (period) => memoize(cache, `adx:${period}`, () => adxSeries(bars, period)),
    atr: (period) => memoize(cache, `atr:${period}`, () => atrSeries(bars, period)),
  };
}
