// Indicators over a run of bars held in columns, each value from the one before in O(1): one
// tight loop per indicator, its state in locals, values written to a typed array (out[k] is the
// value at bar from + k, NaN until the indicator is stable, finite on valid bars from then on).
// The live cycle (over its window) and the backtester (over each window it reads) run these same
// loops, so both read the same numbers. The arithmetic is `trading-signals`' — seeding, Wilder
// smoothing, population σ — and the tests hold them equal, except on flat bars:
// - +DI/−DI are 0 while the ATR is 0 (only flat bars so far): `trading-signals` divides 0 by 0
//   and its ADX stays NaN for good, so a market that opens flat would never read as ranging.
// - Bollinger sums are kept in whole points of the price grid (exact integers), so a flat window's
//   middle band is its price and its σ exactly 0 (`trading-signals` leaves a few ulps of noise).
// Where TA-Lib differs, by indicator:
// - EMA: TA-Lib seeds with the SMA of the first `period` values; this seeds with the first value.
// - ATR (the ADX's true-range smoothing): TA-Lib has no true range for the first bar (its ATR
//   starts a bar later); this takes the first bar's high − low.
// - ADX/DI: where +DM and −DM are equal TA-Lib sets both to 0; this keeps both, as
//   `trading-signals` does. (With no range TA-Lib holds the ADX; this counts a DX of 0.)
// - Bollinger Bands: none (SMA ± k × population σ, as TA-Lib's BBANDS).
// Loops over columns rather than an object updated per bar: V8 keeps a loop's doubles in
// registers, where an object's fields are boxed numbers read and written at every bar.

/** The bars [from, to) of `values` through an EMA seeded with the first, reported once `period` values are in. */
export function emaColumn(values: Float64Array, from: number, to: number, period: number, out: Float64Array): void {
  const weight = 2 / (period + 1);
  let ema = Number.NaN;
  for (let i = from, k = 0; i < to; i++, k++) {
    ema = k === 0 ? values[i]! : values[i]! * weight + ema * (1 - weight);
    out[k] = k + 1 >= period ? ema : Number.NaN;
  }
}

/** Where adxColumn writes: the ADX, and on request its parts. */
export interface AdxColumns {
  adx: Float64Array;
  /** +DI and −DI in percent. */
  plusDi?: Float64Array;
  minusDi?: Float64Array;
  /** Its true-range smoothing: Wilder's ATR. */
  atr?: Float64Array;
}

/**
 * Wilder's ADX over the bars [from, to): four Wilder smoothings (true range, +DM, −DM, then DX),
 * each the SMA of its first `period` inputs, then prev + (x − prev) / period. The first bar counts
 * as a bar without directional movement, its true range its high − low.
 */
export function adxColumn(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  from: number,
  to: number,
  period: number,
  out: AdxColumns,
): void {
  const inverse = 1 / period;
  const { adx, plusDi: plusDiOut, minusDi: minusDiOut, atr: atrOut } = out;
  let rangeSum = 0;
  let upSum = 0;
  let downSum = 0;
  let atr = Number.NaN;
  let up = Number.NaN;
  let down = Number.NaN;
  let dxCount = 0;
  let dxSum = 0;
  let smoothedDx = Number.NaN;
  let previousHigh = Number.NaN;
  let previousLow = Number.NaN;
  let previousClose = Number.NaN;
  let lastAdx = Number.NaN;
  let lastPlusDi = Number.NaN;
  let lastMinusDi = Number.NaN;
  for (let i = from, k = 0; i < to; i++, k++) {
    const barHigh = high[i]!;
    const barLow = low[i]!;
    let plusMove = 0;
    let minusMove = 0;
    let range = barHigh - barLow;
    if (k > 0) {
      const higherHigh = barHigh - previousHigh;
      const lowerLow = previousLow - barLow;
      plusMove = higherHigh < 0 || higherHigh < lowerLow ? 0 : higherHigh;
      minusMove = lowerLow < 0 || lowerLow < higherHigh ? 0 : lowerLow;
      range = Math.max(range, Math.abs(barHigh - previousClose), Math.abs(barLow - previousClose));
    }
    previousHigh = barHigh;
    previousLow = barLow;
    previousClose = close[i]!;
    const bars = k + 1;
    if (bars < period) {
      rangeSum += range;
      upSum += plusMove;
      downSum += minusMove;
    } else {
      if (bars === period) {
        atr = (rangeSum + range) / period;
        up = (upSum + plusMove) / period;
        down = (downSum + minusMove) / period;
      } else {
        atr = (range - atr) * inverse + atr;
        up = (plusMove - up) * inverse + up;
        down = (minusMove - down) * inverse + down;
      }
      if (k > 0) {
        // +DM and −DM never exceed the true range: no range at all is no directional movement. Their
        // smoothings can, by an ulp, when a move is the whole range after a flat stretch: capped at 1.
        const plusDi = atr === 0 ? 0 : Math.min(1, up / atr);
        const minusDi = atr === 0 ? 0 : Math.min(1, down / atr);
        const sum = plusDi + minusDi;
        const dx = sum === 0 ? 0 : (Math.abs(plusDi - minusDi) / sum) * 100;
        dxCount++;
        if (dxCount < period) dxSum += dx;
        else {
          smoothedDx = dxCount === period ? (dxSum + dx) / period : (dx - smoothedDx) * inverse + smoothedDx;
          lastAdx = smoothedDx;
          lastPlusDi = plusDi * 100;
          lastMinusDi = minusDi * 100;
        }
      }
    }
    adx[k] = lastAdx;
    if (atrOut !== undefined) atrOut[k] = bars < period ? Number.NaN : atr;
    if (plusDiOut !== undefined) plusDiOut[k] = lastPlusDi;
    if (minusDiOut !== undefined) minusDiOut[k] = lastMinusDi;
  }
}

/** The bands of one Bollinger spec, value by value. */
export interface BollingerColumns {
  upper: Float64Array;
  middle: Float64Array;
  lower: Float64Array;
}

/**
 * Bollinger Bands (SMA ± deviations × population σ) over the last `period` closes of the bars
 * [from, to), from running sums of each close's offset, in whole points, from a reference close:
 * integers, so adding a close and dropping the oldest is exact however long the run. The bands
 * read only differences of offsets, so the reference does not change a bit of them: it is
 * re-chosen (the current close, the sums recounted) each time the ring of offsets wraps, which
 * keeps the offsets within the last 2 × period closes' span however far the price travels.
 */
export function bollingerColumns(
  close: Float64Array,
  from: number,
  to: number,
  period: number,
  deviations: number,
  point: number,
  out: BollingerColumns,
): void {
  const { upper, middle, lower } = out;
  const offsets = new Float64Array(period);
  let reference = 0;
  let slot = 0;
  let sum = 0;
  let sumOfSquares = 0;
  for (let i = from, k = 0; i < to; i++, k++) {
    const barClose = close[i]!;
    const points = Math.round(barClose / point);
    if (slot === 0) {
      // Offsets (and their sums) from this close on: every stored one moves by the same whole number.
      const shift = points - reference;
      reference = points;
      const stored = Math.min(k, period);
      sum = 0;
      sumOfSquares = 0;
      for (let j = 0; j < stored; j++) {
        const offset = offsets[j]! - shift;
        offsets[j] = offset;
        sum += offset;
        sumOfSquares += offset * offset;
      }
    }
    const offset = points - reference;
    if (k >= period) {
      const dropped = offsets[slot]!;
      sum -= dropped;
      sumOfSquares -= dropped * dropped;
    }
    offsets[slot] = offset;
    sum += offset;
    sumOfSquares += offset * offset;
    slot = slot + 1 === period ? 0 : slot + 1;
    if (k + 1 < period) {
      upper[k] = Number.NaN;
      middle[k] = Number.NaN;
      lower[k] = Number.NaN;
      continue;
    }
    // n²σ² = nΣx² − (Σx)², an exact integer while it stays below 2^53.
    const sigma = (Math.sqrt(Math.max(0, period * sumOfSquares - sum * sum)) / period) * point;
    // From the last close, so a flat window's middle is its price exactly.
    const mid = barClose + ((sum - period * offset) / period) * point;
    middle[k] = mid;
    upper[k] = mid + sigma * deviations;
    lower[k] = mid - sigma * deviations;
  }
}

/**
 * The mean high − low of the last `period` of the bars [from, to), from a running sum of each
 * range in whole points of the price grid: integers, so adding a bar and dropping the oldest is
 * exact, as for Bollinger.
 */
export function rangeMeanColumn(
  high: Float64Array,
  low: Float64Array,
  from: number,
  to: number,
  period: number,
  point: number,
  out: Float64Array,
): void {
  const ranges = new Float64Array(period);
  let slot = 0;
  let sum = 0;
  for (let i = from, k = 0; i < to; i++, k++) {
    const range = Math.round(high[i]! / point) - Math.round(low[i]! / point);
    if (k >= period) sum -= ranges[slot]!;
    ranges[slot] = range;
    sum += range;
    slot = slot + 1 === period ? 0 : slot + 1;
    out[k] = k + 1 >= period ? (sum * point) / period : Number.NaN;
  }
}
