// The closed bars a strategy looks at, streamed oldest first, with the indicators it reads kept up
// to date bar by bar: O(1) per bar, the last `depth` values in typed-array rings. The bars
// themselves are read in place from their columns. The live cycle streams its window through one;
// the backtester streams a whole history. Bars go in by index and values are read from typed
// arrays, so a bar passes no double through a call: V8 boxes a double argument or return value
// of a call it does not inline, garbage at every bar of a backtest.
import type { BarColumns } from '../bar-columns.ts';
import type { Bar } from '../market.ts';
import { StreamingAdx, StreamingBollinger, StreamingEma, StreamingRangeMean } from './streaming.ts';

export interface BollingerSpec {
  period: number;
  deviations: number;
}

/** Which indicators a set of strategies reads, and how many bars back (0 = the last bar). */
export interface IndicatorPlan {
  ema: readonly number[];
  adx: readonly number[];
  bollinger: readonly BollingerSpec[];
  /** Mean high − low over this many bars. */
  rangeMean: readonly number[];
  /** Bars and indicator values read: reads go at most depth − 1 bars back. */
  depth: number;
}

/** What a strategy reads. `back` counts bars back from the last closed one (0); NaN where unknown. */
export interface MarketWindow {
  /** Bars streamed so far: a strategy's warm-up compares with this. */
  readonly count: number;
  openTime(back: number): number;
  open(back: number): number;
  high(back: number): number;
  low(back: number): number;
  close(back: number): number;
  bar(back: number): Bar;
  ema(period: number, back: number): number;
  adx(period: number, back: number): number;
  bollingerUpper(spec: BollingerSpec, back: number): number;
  bollingerMiddle(spec: BollingerSpec, back: number): number;
  bollingerLower(spec: BollingerSpec, back: number): number;
  /** Mean high − low of the `period` bars ending `back` bars back. */
  rangeMean(period: number, back: number): number;
}

function unknownIndicator(name: string): never {
  throw new Error(`indicator ${name} is not in this window's plan`);
}

export class StreamedWindow implements MarketWindow {
  readonly #depth: number;
  /** Indicator values sit in rings of a power-of-two size: slot = bar count & mask. */
  readonly #mask: number;
  readonly #bars: BarColumns;
  /** Index in the columns of the last bar pushed. */
  #last = -1;
  #count = 0;
  // Found by a scan, not a map: a plan holds a handful of indicators and reads are the hot path.
  readonly #emas: Array<{ period: number; stream: StreamingEma; values: Float64Array }>;
  readonly #adxs: Array<{ period: number; stream: StreamingAdx; values: Float64Array }>;
  readonly #bands: Array<
    BollingerSpec & { stream: StreamingBollinger; upper: Float64Array; middle: Float64Array; lower: Float64Array }
  >;
  readonly #rangeMeans: Array<{ period: number; stream: StreamingRangeMean; values: Float64Array }>;
  /** Whether this window streams its Bollinger bands and range means, or reads another's rings. */
  readonly #streamsBands: boolean;
  /**
   * Bars the window streaming the bands had before this one's first: its ring slot for a bar is
   * this one's plus the lead (both push every bar from then on).
   */
  readonly #bandsLead: number;
  /** The window whose bands this one reads, checked to be pushed first. */
  readonly #rolling: StreamedWindow | null;

  /**
   * A window over `bars`, empty until its first push. `point`: the price grid, on which Bollinger
   * and range sums are kept exact. `rolling`: a window over the same bars, from this one's first bar
   * or earlier, pushed each bar before this one (its push checks), with rings of the same size,
   * whose Bollinger bands and range means this one reads from its rings instead of streaming its
   * own. They depend only on their last `period` bars, exactly (sums of whole points), so any such
   * window holds the very values this one would; the backtester's anchored windows share one
   * (anchored-window.ts).
   */
  constructor(plan: IndicatorPlan, point: number, bars: BarColumns, rolling: StreamedWindow | null = null) {
    this.#depth = Math.max(1, plan.depth);
    this.#bars = bars;
    const capacity = 2 ** Math.ceil(Math.log2(this.#depth));
    this.#mask = capacity - 1;
    this.#streamsBands = rolling === null;
    if (rolling !== null && rolling.#mask !== this.#mask) {
      throw new Error(`a rolling window must keep rings of this window's size (${this.#mask + 1} bars)`);
    }
    this.#bandsLead = rolling === null ? 0 : rolling.#count;
    this.#rolling = rolling;
    const ring = () => new Float64Array(capacity).fill(Number.NaN);
    this.#emas = [...new Set(plan.ema)].map((period) => ({ period, stream: new StreamingEma(period), values: ring() }));
    this.#adxs = [...new Set(plan.adx)].map((period) => ({ period, stream: new StreamingAdx(period), values: ring() }));
    if (rolling !== null) {
      this.#bands = rolling.#bands;
      this.#rangeMeans = rolling.#rangeMeans;
      return;
    }
    const bands = [...new Map(plan.bollinger.map((spec) => [`${spec.period}:${spec.deviations}`, spec])).values()];
    this.#bands = bands.map(({ period, deviations }) => ({
      period,
      deviations,
      stream: new StreamingBollinger(period, deviations, point),
      upper: ring(),
      middle: ring(),
      lower: ring(),
    }));
    this.#rangeMeans = [...new Set(plan.rangeMean)].map((period) => ({
      period,
      stream: new StreamingRangeMean(period, point),
      values: ring(),
    }));
  }

  get count(): number {
    return this.#count;
  }

  /** Adds bar `index` of the columns: the window's first bar, or the one after its last. */
  push(index: number): void {
    if (this.#count > 0 && index !== this.#last + 1) {
      throw new Error(`bar ${index} pushed after bar ${this.#last}: a window holds consecutive bars`);
    }
    const high = this.#bars.high[index]!;
    const low = this.#bars.low[index]!;
    const close = this.#bars.close[index]!;
    if (this.#rolling !== null && this.#rolling.#last !== index) {
      throw new Error(`bar ${index} pushed before the rolling window's (its last is ${this.#rolling.#last})`);
    }
    const slot = this.#count & this.#mask;
    // Indexed loops: this runs twice per bar of a backtest, for every indicator.
    const emas = this.#emas;
    for (let i = 0; i < emas.length; i++) emas[i]!.values[slot] = emas[i]!.stream.update(close);
    const adxs = this.#adxs;
    for (let i = 0; i < adxs.length; i++) {
      const adx = adxs[i]!;
      adx.stream.update(high, low, close);
      adx.values[slot] = adx.stream.adx;
    }
    if (this.#streamsBands) this.#streamBands(slot, high, low, close);
    this.#last = index;
    this.#count++;
  }

  #streamBands(slot: number, high: number, low: number, close: number): void {
    const bands = this.#bands;
    for (let i = 0; i < bands.length; i++) {
      const band = bands[i]!;
      band.stream.update(close);
      band.upper[slot] = band.stream.upper;
      band.middle[slot] = band.stream.middle;
      band.lower[slot] = band.stream.lower;
    }
    const rangeMeans = this.#rangeMeans;
    for (let i = 0; i < rangeMeans.length; i++) {
      const rangeMean = rangeMeans[i]!;
      rangeMean.stream.update(high, low);
      rangeMean.values[slot] = rangeMean.stream.mean;
    }
  }

  /** The value `back` bars before the last in an indicator's ring, NaN outside the window or the plan's depth. */
  #ringValue(values: Float64Array, back: number): number {
    if (back < 0 || back >= this.#count || back >= this.#depth) return Number.NaN;
    return values[(this.#count - 1 - back) & this.#mask]!;
  }

  /** A field of the bar `back` bars before this window's last, NaN outside the window or the plan's depth. */
  #barField(column: Float64Array, back: number): number {
    if (back < 0 || back >= this.#count || back >= this.#depth) return Number.NaN;
    return column[this.#last - back]!;
  }

  openTime(back: number): number {
    return this.#barField(this.#bars.openTime, back);
  }

  open(back: number): number {
    return this.#barField(this.#bars.open, back);
  }

  high(back: number): number {
    return this.#barField(this.#bars.high, back);
  }

  low(back: number): number {
    return this.#barField(this.#bars.low, back);
  }

  close(back: number): number {
    return this.#barField(this.#bars.close, back);
  }

  bar(back: number): Bar {
    const { openTime, open, high, low, close, tickVolume, spread } = this.#bars;
    return {
      openTime: this.#barField(openTime, back),
      open: this.#barField(open, back),
      high: this.#barField(high, back),
      low: this.#barField(low, back),
      close: this.#barField(close, back),
      tickVolume: this.#barField(tickVolume, back),
      spread: this.#barField(spread, back),
    };
  }

  // Reads scan with indexed loops: a backtest reads indicators a few million times a year.
  ema(period: number, back: number): number {
    const emas = this.#emas;
    for (let i = 0; i < emas.length; i++) if (emas[i]!.period === period) return this.#ringValue(emas[i]!.values, back);
    return unknownIndicator(`EMA(${period})`);
  }

  adx(period: number, back: number): number {
    const adxs = this.#adxs;
    for (let i = 0; i < adxs.length; i++) if (adxs[i]!.period === period) return this.#ringValue(adxs[i]!.values, back);
    return unknownIndicator(`ADX(${period})`);
  }

  /**
   * A Bollinger or range-mean value `back` bars back, from rings this window or the rolling one
   * streams: NaN outside the window or the plan's depth, and before this window has had `period`
   * bars by then (its own stream would read NaN there; the rolling one may have started earlier).
   */
  #bandValue(values: Float64Array, period: number, back: number): number {
    if (back < 0 || back >= this.#count || back >= this.#depth || this.#count - back < period) return Number.NaN;
    return values[(this.#count + this.#bandsLead - 1 - back) & this.#mask]!;
  }

  #band(spec: BollingerSpec) {
    const bands = this.#bands;
    for (let i = 0; i < bands.length; i++) {
      if (bands[i]!.period === spec.period && bands[i]!.deviations === spec.deviations) return bands[i]!;
    }
    return unknownIndicator(`Bollinger(${spec.period}, ${spec.deviations})`);
  }

  bollingerUpper(spec: BollingerSpec, back: number): number {
    return this.#bandValue(this.#band(spec).upper, spec.period, back);
  }

  bollingerMiddle(spec: BollingerSpec, back: number): number {
    return this.#bandValue(this.#band(spec).middle, spec.period, back);
  }

  bollingerLower(spec: BollingerSpec, back: number): number {
    return this.#bandValue(this.#band(spec).lower, spec.period, back);
  }

  rangeMean(period: number, back: number): number {
    const rangeMeans = this.#rangeMeans;
    for (let i = 0; i < rangeMeans.length; i++) {
      if (rangeMeans[i]!.period === period) return this.#bandValue(rangeMeans[i]!.values, period, back);
    }
    return unknownIndicator(`range mean(${period})`);
  }
}

/** One plan covering several: every indicator any of them reads, to the deepest read. */
export function mergePlans(plans: readonly Partial<IndicatorPlan>[]): IndicatorPlan {
  return {
    ema: plans.flatMap((plan) => plan.ema ?? []),
    adx: plans.flatMap((plan) => plan.adx ?? []),
    bollinger: plans.flatMap((plan) => plan.bollinger ?? []),
    rangeMean: plans.flatMap((plan) => plan.rangeMean ?? []),
    depth: Math.max(1, ...plans.map((plan) => plan.depth ?? 1)),
  };
}
