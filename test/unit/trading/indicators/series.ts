// The streaming indicators run over a whole input, one value per input (NaN until stable): the
// shape the oracle comparisons and property tests read.
import {
  StreamingAdx,
  StreamingAtr,
  StreamingBollinger,
  StreamingEma,
} from '../../../../trading/indicators/streaming.ts';

export interface HighLowClose {
  high: number;
  low: number;
  close: number;
}

export function emaSeries(values: ArrayLike<number>, period: number): Float64Array {
  const ema = new StreamingEma(period);
  return Float64Array.from(Array.from(values), (value) => ema.update(value));
}

export function atrSeries(bars: readonly HighLowClose[], period: number): Float64Array {
  const atr = new StreamingAtr(period);
  return Float64Array.from(bars, (bar) => atr.update(bar.high, bar.low, bar.close));
}

export function adxSeries(bars: readonly HighLowClose[], period: number) {
  const adx = new StreamingAdx(period);
  const out = {
    adx: new Float64Array(bars.length),
    plusDi: new Float64Array(bars.length),
    minusDi: new Float64Array(bars.length),
  };
  bars.forEach((bar, i) => {
    adx.update(bar.high, bar.low, bar.close);
    out.adx[i] = adx.adx;
    out.plusDi[i] = adx.plusDi;
    out.minusDi[i] = adx.minusDi;
  });
  return out;
}

/** `point`: the grid the values lie on (0.01 for the fixtures' gold-like prices). */
export function bollingerSeries(values: readonly number[], period: number, deviations: number, point = 0.01) {
  const bands = new StreamingBollinger(period, deviations, point);
  const out = {
    upper: new Float64Array(values.length),
    middle: new Float64Array(values.length),
    lower: new Float64Array(values.length),
  };
  values.forEach((value, i) => {
    bands.update(value);
    out.upper[i] = bands.upper;
    out.middle[i] = bands.middle;
    out.lower[i] = bands.lower;
  });
  return out;
}

/** The SMA is the bands' middle. */
export function smaSeries(values: readonly number[], period: number, point = 0.01): Float64Array {
  return bollingerSeries(values, period, 1, point).middle;
}
