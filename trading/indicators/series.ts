// Indicator series over a whole input, one value per input: NaN until the indicator is stable,
// finite on valid bars from then on. Number-only loops over typed arrays: the `trading-signals`
// classes were ~99 % of a backtest's time (272 bars/s), so these reproduce their arithmetic —
// seeding, Wilder smoothing, population σ — and the tests hold them equal, except on flat bars:
// - +DI/−DI are 0 while the ATR is 0 (only flat bars so far): `trading-signals` divides 0 by 0
//   and its ADX stays NaN for good, so a market that opens flat would never read as ranging.
// - Window means are summed as offsets from the window's last value, so a flat window's middle
//   band is its price and its σ exactly 0 (`trading-signals` leaves a few ulps of noise).
// Where TA-Lib differs, by indicator:
// - EMA: TA-Lib seeds with the SMA of the first `period` values; this seeds with the first value.
// - ATR: TA-Lib has no true range for the first bar (its ATR starts a bar later); this takes
//   the first bar's high − low.
// - ADX/DI: where +DM and −DM are equal TA-Lib sets both to 0; this keeps both, as
//   `trading-signals` does. (With no range TA-Lib holds the ADX; this counts a DX of 0.)
// - Bollinger Bands: none (SMA ± k × population σ, as TA-Lib's BBANDS).

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

/** Mean of values[end − period + 1 … end]: offsets from the last value summed, exact when flat. */
function windowMean(values: ArrayLike<number>, end: number, period: number): number {
  const reference = values[end]!;
  let offsets = 0;
  for (let j = end - period + 1; j <= end; j++) offsets += values[j]! - reference;
  return reference + offsets / period;
}

/** EMA seeded with the first value, reported once `period` values are in. */
export function emaSeries(values: ArrayLike<number>, period: number): Float64Array {
  const out = emptySeries(values.length);
  const weight = 2 / (period + 1);
  let ema = Number.NaN;
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    ema = i === 0 ? value : value * weight + ema * (1 - weight);
    if (i >= period - 1) out[i] = ema;
  }
  return out;
}

export function smaSeries(values: ArrayLike<number>, period: number): Float64Array {
  const out = emptySeries(values.length);
  for (let i = period - 1; i < values.length; i++) out[i] = windowMean(values, i, period);
  return out;
}

/** Bollinger Bands: SMA ± deviations × population standard deviation of the window. */
export function bollingerSeries(values: ArrayLike<number>, period: number, deviations: number): BandSeries {
  const bands = {
    upper: emptySeries(values.length),
    middle: emptySeries(values.length),
    lower: emptySeries(values.length),
  };
  for (let i = period - 1; i < values.length; i++) {
    const middle = windowMean(values, i, period);
    let squares = 0;
    for (let j = i - period + 1; j <= i; j++) squares += (values[j]! - middle) * (values[j]! - middle);
    const sigma = Math.sqrt(squares / period);
    bands.upper[i] = middle + sigma * deviations;
    bands.middle[i] = middle;
    bands.lower[i] = middle - sigma * deviations;
  }
  return bands;
}

/** Wilder's smoothing: the SMA of the first `period` inputs, then prev + (x − prev) / period. */
class WilderSmoothing {
  readonly #period: number;
  #count = 0;
  #sum = 0;
  value = Number.NaN;

  constructor(period: number) {
    this.#period = period;
  }

  get stable(): boolean {
    return this.#count >= this.#period;
  }

  add(input: number): void {
    this.#count++;
    if (this.#count < this.#period) {
      this.#sum += input;
    } else if (this.#count === this.#period) {
      this.value = (this.#sum + input) / this.#period;
    } else {
      this.value = (input - this.value) * (1 / this.#period) + this.value;
    }
  }
}

function trueRange(bar: HighLowClose, previous: HighLowClose | undefined): number {
  const highLow = bar.high - bar.low;
  if (previous === undefined) return highLow;
  return Math.max(highLow, Math.abs(bar.high - previous.close), Math.abs(bar.low - previous.close));
}

/** Wilder's ADX with +DI/−DI; the first bar counts as a bar without directional movement. */
export function adxSeries(bars: readonly HighLowClose[], period: number): DirectionalSeries {
  const out = { adx: emptySeries(bars.length), plusDi: emptySeries(bars.length), minusDi: emptySeries(bars.length) };
  const atr = new WilderSmoothing(period);
  const movesUp = new WilderSmoothing(period);
  const movesDown = new WilderSmoothing(period);
  const adx = new WilderSmoothing(period);
  for (let i = 0; i < bars.length; i++) {
    const bar = bars[i]!;
    const previous = i === 0 ? undefined : bars[i - 1]!;
    let plusMove = 0;
    let minusMove = 0;
    if (previous !== undefined) {
      const higherHigh = bar.high - previous.high;
      const lowerLow = previous.low - bar.low;
      plusMove = higherHigh < 0 || higherHigh < lowerLow ? 0 : higherHigh;
      minusMove = lowerLow < 0 || lowerLow < higherHigh ? 0 : lowerLow;
    }
    atr.add(trueRange(bar, previous));
    movesUp.add(plusMove);
    movesDown.add(minusMove);
    if (previous === undefined || !movesUp.stable) continue;

    // +DM and −DM never exceed the true range: no range at all is no directional movement.
    const plusDi = atr.value === 0 ? 0 : movesUp.value / atr.value;
    const minusDi = atr.value === 0 ? 0 : movesDown.value / atr.value;
    const sum = plusDi + minusDi;
    adx.add(sum === 0 ? 0 : (Math.abs(plusDi - minusDi) / sum) * 100);
    if (!adx.stable) continue;
    out.adx[i] = adx.value;
    out.plusDi[i] = plusDi * 100;
    out.minusDi[i] = minusDi * 100;
  }
  return out;
}

/** Wilder's ATR. */
export function atrSeries(bars: readonly HighLowClose[], period: number): Float64Array {
  const out = emptySeries(bars.length);
  const atr = new WilderSmoothing(period);
  for (let i = 0; i < bars.length; i++) {
    atr.add(trueRange(bars[i]!, i === 0 ? undefined : bars[i - 1]));
    if (atr.stable) out[i] = atr.value;
  }
  return out;
}
