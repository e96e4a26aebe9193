// Indicators updated in O(1) per bar: one call per closed bar, NaN until the indicator is stable,
// finite on valid bars from then on. The live cycle (over its window) and the backtester (over
// a whole history) run these same updates, so both read the same numbers. The arithmetic is
// `trading-signals`' — seeding, Wilder smoothing, population σ — and the tests hold them equal,
// except on flat bars:
// - +DI/−DI are 0 while the ATR is 0 (only flat bars so far): `trading-signals` divides 0 by 0
//   and its ADX stays NaN for good, so a market that opens flat would never read as ranging.
// - Bollinger sums are kept in whole points of the price grid (exact integers), so a flat window's
//   middle band is its price and its σ exactly 0 (`trading-signals` leaves a few ulps of noise).
// Where TA-Lib differs, by indicator:
// - EMA: TA-Lib seeds with the SMA of the first `period` values; this seeds with the first value.
// - ATR: TA-Lib has no true range for the first bar (its ATR starts a bar later); this takes
//   the first bar's high − low.
// - ADX/DI: where +DM and −DM are equal TA-Lib sets both to 0; this keeps both, as
//   `trading-signals` does. (With no range TA-Lib holds the ADX; this counts a DX of 0.)
// - Bollinger Bands: none (SMA ± k × population σ, as TA-Lib's BBANDS).

/** EMA seeded with the first value, reported once `period` values are in. */
export class StreamingEma {
  readonly #period: number;
  readonly #weight: number;
  #count = 0;
  #ema = Number.NaN;

  constructor(period: number) {
    this.#period = period;
    this.#weight = 2 / (period + 1);
  }

  /** Adds a value; returns the EMA, or NaN before `period` values. */
  update(value: number): number {
    this.#ema = this.#count === 0 ? value : value * this.#weight + this.#ema * (1 - this.#weight);
    this.#count++;
    return this.#count >= this.#period ? this.#ema : Number.NaN;
  }
}

/** Wilder's smoothing: the SMA of the first `period` inputs, then prev + (x − prev) / period. */
export class WilderAverage {
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

function trueRange(high: number, low: number, previousClose: number): number {
  const highLow = high - low;
  if (Number.isNaN(previousClose)) return highLow;
  return Math.max(highLow, Math.abs(high - previousClose), Math.abs(low - previousClose));
}

/** Wilder's ATR. */
export class StreamingAtr {
  readonly #atr: WilderAverage;
  #previousClose = Number.NaN;

  constructor(period: number) {
    this.#atr = new WilderAverage(period);
  }

  update(high: number, low: number, close: number): number {
    this.#atr.add(trueRange(high, low, this.#previousClose));
    this.#previousClose = close;
    return this.#atr.stable ? this.#atr.value : Number.NaN;
  }
}

/**
 * Wilder's ADX with +DI/−DI (percent); the first bar counts as a bar without directional movement.
 * Its four Wilder smoothings (true range, +DM, −DM, then DX) are WilderAverage's arithmetic kept in
 * plain fields: the first three always hold the same count, and this update runs twice per bar
 * for every bar of a backtest (two anchored windows).
 */
export class StreamingAdx {
  readonly #period: number;
  readonly #inverse: number;
  /** Bars added: the count of the true-range and ±DM smoothings. */
  #bars = 0;
  #rangeSum = 0;
  #upSum = 0;
  #downSum = 0;
  #atr = Number.NaN;
  #up = Number.NaN;
  #down = Number.NaN;
  #dxCount = 0;
  #dxSum = 0;
  #smoothedDx = Number.NaN;
  #previousHigh = Number.NaN;
  #previousLow = Number.NaN;
  #previousClose = Number.NaN;
  adx = Number.NaN;
  plusDi = Number.NaN;
  minusDi = Number.NaN;

  constructor(period: number) {
    this.#period = period;
    this.#inverse = 1 / period;
  }

  /** Adds a bar; `adx`, `plusDi` and `minusDi` are then this bar's values (NaN until stable). */
  update(high: number, low: number, close: number): void {
    const first = Number.isNaN(this.#previousClose);
    let plusMove = 0;
    let minusMove = 0;
    if (!first) {
      const higherHigh = high - this.#previousHigh;
      const lowerLow = this.#previousLow - low;
      plusMove = higherHigh < 0 || higherHigh < lowerLow ? 0 : higherHigh;
      minusMove = lowerLow < 0 || lowerLow < higherHigh ? 0 : lowerLow;
    }
    const range = trueRange(high, low, this.#previousClose);
    this.#previousHigh = high;
    this.#previousLow = low;
    this.#previousClose = close;
    const period = this.#period;
    const bars = ++this.#bars;
    if (bars < period) {
      this.#rangeSum += range;
      this.#upSum += plusMove;
      this.#downSum += minusMove;
      return;
    }
    if (bars === period) {
      this.#atr = (this.#rangeSum + range) / period;
      this.#up = (this.#upSum + plusMove) / period;
      this.#down = (this.#downSum + minusMove) / period;
    } else {
      this.#atr = (range - this.#atr) * this.#inverse + this.#atr;
      this.#up = (plusMove - this.#up) * this.#inverse + this.#up;
      this.#down = (minusMove - this.#down) * this.#inverse + this.#down;
    }
    if (first) return;

    // +DM and −DM never exceed the true range: no range at all is no directional movement. Their
    // smoothings can, by an ulp, when a move is the whole range after a flat stretch: capped at 1.
    const atr = this.#atr;
    const plusDi = atr === 0 ? 0 : Math.min(1, this.#up / atr);
    const minusDi = atr === 0 ? 0 : Math.min(1, this.#down / atr);
    const sum = plusDi + minusDi;
    const dx = sum === 0 ? 0 : (Math.abs(plusDi - minusDi) / sum) * 100;
    const dxCount = ++this.#dxCount;
    if (dxCount < period) {
      this.#dxSum += dx;
      return;
    }
    this.#smoothedDx =
      dxCount === period ? (this.#dxSum + dx) / period : (dx - this.#smoothedDx) * this.#inverse + this.#smoothedDx;
    this.adx = this.#smoothedDx;
    this.plusDi = plusDi * 100;
    this.minusDi = minusDi * 100;
  }
}

/**
 * Bollinger Bands (SMA ± deviations × population σ) over the last `period` closes, from running
 * sums of each close's offset, in whole points, from a reference close: integers, so adding a close
 * and dropping the oldest is exact however long the stream runs. The bands read only differences
 * of offsets, so the reference does not change a bit of them: it is re-chosen (the current close,
 * the sums recounted) each time the ring wraps, which keeps the offsets within the last 2 × period
 * closes' span however far the price travels, and a stream over a long history reads what a
 * stream over its last bars reads (the backtester shares one between its windows).
 */
export class StreamingBollinger {
  readonly #period: number;
  readonly #deviations: number;
  readonly #point: number;
  readonly #offsets: Float64Array;
  /** The reference close, in whole points. */
  #reference = 0;
  #count = 0;
  /** Where the next offset goes in `#offsets`: the oldest one's place once the period is full. */
  #slot = 0;
  #sum = 0;
  #sumOfSquares = 0;
  upper = Number.NaN;
  middle = Number.NaN;
  lower = Number.NaN;

  constructor(period: number, deviations: number, point: number) {
    this.#period = period;
    this.#deviations = deviations;
    this.#point = point;
    this.#offsets = new Float64Array(period);
  }

  update(close: number): void {
    const points = Math.round(close / this.#point);
    const slot = this.#slot;
    if (slot === 0) this.#rebase(points);
    const offset = points - this.#reference;
    this.#slot = slot + 1 === this.#period ? 0 : slot + 1;
    if (this.#count >= this.#period) {
      const dropped = this.#offsets[slot]!;
      this.#sum -= dropped;
      this.#sumOfSquares -= dropped * dropped;
    }
    this.#offsets[slot] = offset;
    this.#sum += offset;
    this.#sumOfSquares += offset * offset;
    this.#count++;
    if (this.#count < this.#period) return;
    const n = this.#period;
    // n²σ² = nΣx² − (Σx)², an exact integer while it stays below 2^53.
    const sigma = (Math.sqrt(Math.max(0, n * this.#sumOfSquares - this.#sum * this.#sum)) / n) * this.#point;
    // From the last close, so a flat window's middle is its price exactly.
    this.middle = close + ((this.#sum - n * offset) / n) * this.#point;
    this.upper = this.middle + sigma * this.#deviations;
    this.lower = this.middle - sigma * this.#deviations;
  }

  /** Offsets (and their sums) from `reference` on: every stored offset moves by the same whole number. */
  #rebase(reference: number): void {
    const shift = reference - this.#reference;
    this.#reference = reference;
    const stored = Math.min(this.#count, this.#period);
    let sum = 0;
    let sumOfSquares = 0;
    for (let i = 0; i < stored; i++) {
      const offset = this.#offsets[i]! - shift;
      this.#offsets[i] = offset;
      sum += offset;
      sumOfSquares += offset * offset;
    }
    this.#sum = sum;
    this.#sumOfSquares = sumOfSquares;
  }
}

/**
 * The mean high − low of the last `period` bars, from a running sum of each range in whole points
 * of the price grid: integers, so adding a bar and dropping the oldest is exact, as for Bollinger.
 */
export class StreamingRangeMean {
  readonly #period: number;
  readonly #point: number;
  readonly #ranges: Float64Array;
  #count = 0;
  #slot = 0;
  #sum = 0;
  mean = Number.NaN;

  constructor(period: number, point: number) {
    this.#period = period;
    this.#point = point;
    this.#ranges = new Float64Array(period);
  }

  update(high: number, low: number): void {
    const range = Math.round(high / this.#point) - Math.round(low / this.#point);
    if (this.#count >= this.#period) this.#sum -= this.#ranges[this.#slot]!;
    this.#ranges[this.#slot] = range;
    this.#sum += range;
    this.#slot = this.#slot + 1 === this.#period ? 0 : this.#slot + 1;
    this.#count++;
    if (this.#count >= this.#period) this.mean = (this.#sum * this.#point) / this.#period;
  }
}
