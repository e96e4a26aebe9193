// Indicator series over a whole input, one value per input, NaN until the indicator is
// stable. Values come from `trading-signals`, the reference implementation.
import { ADX, ATR, BollingerBands, EMA, SMA } from 'trading-signals';

export interface HighLowClose {
  high: number;
  low: number;
  close: number;
}

export interface BandSeries {
  upper: Float64Array;
  middle: Float64Array;
  lower: Float64Array;
}

export interface DirectionalSeries {
  adx: Float64Array;
  /** +DI in percent. */
  plusDi: Float64Array;
  /** −DI in percent. */
  minusDi: Float64Array;
}

function emptySeries(length: number): Float64Array {
  return new Float64Array(length).fill(Number.NaN);
}

export function emaSeries(values: ArrayLike<number>, period: number): Float64Array {
  const out = emptySeries(values.length);
  const ema = new EMA(period);
  for (let i = 0; i < values.length; i++) {
    const value = ema.add(values[i]!);
    if (value !== null && ema.isStable) out[i] = value;
  }
  return out;
}

export function smaSeries(values: ArrayLike<number>, period: number): Float64Array {
  const out = emptySeries(values.length);
  const sma = new SMA(period);
  for (let i = 0; i < values.length; i++) {
    const value = sma.add(values[i]!);
    if (value !== null) out[i] = value;
  }
  return out;
}

export function bollingerSeries(values: ArrayLike<number>, period: number, deviations: number): BandSeries {
  const bands = { upper: emptySeries(values.length), middle: emptySeries(values.length), lower: emptySeries(values.length) };
  const bollinger = new BollingerBands(period, deviations);
  for (let i = 0; i < values.length; i++) {
    const value = bollinger.add(values[i]!);
    if (value === null) continue;
    bands.upper[i] = value.upper;
    bands.middle[i] = value.middle;
    bands.lower[i] = value.lower;
  }
  return bands;
}

export function adxSeries(bars: readonly HighLowClose[], period: number): DirectionalSeries {
  const out = { adx: emptySeries(bars.length), plusDi: emptySeries(bars.length), minusDi: emptySeries(bars.length) };
  const adx = new ADX(period);
  for (let i = 0; i < bars.length; i++) {
    const value = adx.add(bars[i]!);
    if (value === null) continue;
    out.adx[i] = value;
    out.plusDi[i] = (adx.pdi ?? Number.NaN) * 100;
    out.minusDi[i] = (adx.mdi ?? Number.NaN) * 100;
  }
  return out;
}

export function atrSeries(bars: readonly HighLowClose[], period: number): Float64Array {
  const out = emptySeries(bars.length);
  const atr = new ATR(period);
  for (let i = 0; i < bars.length; i++) {
    const value = atr.add(bars[i]!);
    if (value !== null) out[i] = value;
  }
  return out;
}
