// The indicator columns run over a whole input, one value per input (NaN until stable): the shape
// the oracle comparisons and property tests read.
import { adxColumn, bollingerColumns, emaColumn, rangeMeanColumn } from '../../../../trading/indicators/columns.ts';

export interface HighLowClose {
  high: number;
  low: number;
  close: number;
}

function columnsOf(bars: readonly HighLowClose[]) {
  return {
    high: Float64Array.from(bars, (bar) => bar.high),
    low: Float64Array.from(bars, (bar) => bar.low),
    close: Float64Array.from(bars, (bar) => bar.close),
  };
}

export function emaSeries(values: ArrayLike<number>, period: number): Float64Array {
  const out = new Float64Array(values.length);
  emaColumn(Float64Array.from(values), 0, values.length, period, out);
  return out;
}

export function adxSeries(bars: readonly HighLowClose[], period: number) {
  const { high, low, close } = columnsOf(bars);
  const out = {
    adx: new Float64Array(bars.length),
    plusDi: new Float64Array(bars.length),
    minusDi: new Float64Array(bars.length),
    atr: new Float64Array(bars.length),
  };
  adxColumn(high, low, close, 0, bars.length, period, out);
  return out;
}

/** The ADX's true-range smoothing. */
export function atrSeries(bars: readonly HighLowClose[], period: number): Float64Array {
  return adxSeries(bars, period).atr;
}

/** `point`: the grid the values lie on (0.01 for the fixtures' gold-like prices). */
export function bollingerSeries(values: readonly number[], period: number, deviations: number, point = 0.01) {
  const out = {
    upper: new Float64Array(values.length),
    middle: new Float64Array(values.length),
    lower: new Float64Array(values.length),
  };
  bollingerColumns(Float64Array.from(values), 0, values.length, period, deviations, point, out);
  return out;
}

/** The SMA is the bands' middle. */
export function smaSeries(values: readonly number[], period: number, point = 0.01): Float64Array {
  return bollingerSeries(values, period, 1, point).middle;
}

export function rangeMeanSeries(bars: readonly { high: number; low: number }[], period: number, point: number) {
  const out = new Float64Array(bars.length);
  const high = Float64Array.from(bars, (bar) => bar.high);
  const low = Float64Array.from(bars, (bar) => bar.low);
  rangeMeanColumn(high, low, 0, bars.length, period, point, out);
  return out;
}
