// The closed bars a strategy looks at, oldest first, with the indicators it reads: a window over
// the bars [start, end) of their columns, its indicators computed over those bars when it is made
// (columns.ts: O(1) per bar), read up to the last bar it has advanced to. The live cycle makes one
// over the bars it fetched; the backtester one per anchor (anchored-window.ts), advanced bar by
// bar. A value depends only on the bars up to its own, so one computed ahead of the last bar is
// the value a window ending there would hold. Values are read from typed arrays and bars go in by
// index, so a bar passes no double through a call: V8 boxes a double argument or return value of
// a call it does not inline, garbage at every bar of a backtest.
import type { BarColumns } from '../bar-columns.ts';
import type { Bar } from '../market.ts';
import { adxColumn, bollingerColumns, emaColumn, rangeMeanColumn } from './columns.ts';

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
  /** Bars in the window so far: a strategy's warm-up compares with this. */
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

export class IndicatorWindow implements MarketWindow {
  readonly #depth: number;
  readonly #bars: BarColumns;
  readonly #start: number;
  readonly #end: number;
  /** Index in the columns of the last bar read: start − 1 until the first advance. */
  #last: number;
  #count = 0;
  // Found by a scan, not a map: a plan holds a handful of indicators and reads are the hot path.
  readonly #emas: Array<{ period: number; values: Float64Array }>;
  readonly #adxs: Array<{ period: number; values: Float64Array }>;
  readonly #bands: Array<BollingerSpec & { upper: Float64Array; middle: Float64Array; lower: Float64Array }>;
  readonly #rangeMeans: Array<{ period: number; values: Float64Array }>;

  /**
   * A window over the bars [start, end) of `bars`, empty until its first advance; `point`: the
   * price grid, on which Bollinger and range sums are kept exact.
   */
  constructor(plan: IndicatorPlan, point: number, bars: BarColumns, start: number, end: number) {
    if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= bars.close.length)) {
      throw new Error(`a window's bars [${start}, ${end}) must lie within the ${bars.close.length} bars`);
    }
    this.#depth = Math.max(1, plan.depth);
    this.#bars = bars;
    this.#start = start;
    this.#end = end;
    this.#last = start - 1;
    const length = end - start;
    const { high, low, close } = bars;
    this.#emas = [...new Set(plan.ema)].map((period) => {
      const values = new Float64Array(length);
      emaColumn(close, start, end, period, values);
      return { period, values };
    });
    this.#adxs = [...new Set(plan.adx)].map((period) => {
      const values = new Float64Array(length);
      adxColumn(high, low, close, start, end, period, { adx: values });
      return { period, values };
    });
    const bands = [...new Map(plan.bollinger.map((spec) => [`${spec.period}:${spec.deviations}`, spec])).values()];
    this.#bands = bands.map(({ period, deviations }) => {
      const band = {
        upper: new Float64Array(length),
        middle: new Float64Array(length),
        lower: new Float64Array(length),
      };
      bollingerColumns(close, start, end, period, deviations, point, band);
      return { period, deviations, ...band };
    });
    this.#rangeMeans = [...new Set(plan.rangeMean)].map((period) => {
      const values = new Float64Array(length);
      rangeMeanColumn(high, low, start, end, period, point, values);
      return { period, values };
    });
  }

  get count(): number {
    return this.#count;
  }

  /** Makes bar `index` the window's last: the next bar, or any later one within its bars. */
  advanceTo(index: number): void {
    if (!(index > this.#last && index < this.#end)) {
      throw new Error(`bar ${index} is not after this window's last (${this.#last}) and before its end (${this.#end})`);
    }
    this.#last = index;
    this.#count = index - this.#start + 1;
  }

  /** The value `back` bars before the last in an indicator's column, NaN outside the window or the plan's depth. */
  #value(values: Float64Array, back: number): number {
    if (back < 0 || back >= this.#count || back >= this.#depth) return Number.NaN;
    return values[this.#count - 1 - back]!;
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
    for (let i = 0; i < emas.length; i++) if (emas[i]!.period === period) return this.#value(emas[i]!.values, back);
    return unknownIndicator(`EMA(${period})`);
  }

  adx(period: number, back: number): number {
    const adxs = this.#adxs;
    for (let i = 0; i < adxs.length; i++) if (adxs[i]!.period === period) return this.#value(adxs[i]!.values, back);
    return unknownIndicator(`ADX(${period})`);
  }

  #band(spec: BollingerSpec) {
    const bands = this.#bands;
    for (let i = 0; i < bands.length; i++) {
      if (bands[i]!.period === spec.period && bands[i]!.deviations === spec.deviations) return bands[i]!;
    }
    return unknownIndicator(`Bollinger(${spec.period}, ${spec.deviations})`);
  }

  bollingerUpper(spec: BollingerSpec, back: number): number {
    return this.#value(this.#band(spec).upper, back);
  }

  bollingerMiddle(spec: BollingerSpec, back: number): number {
    return this.#value(this.#band(spec).middle, back);
  }

  bollingerLower(spec: BollingerSpec, back: number): number {
    return this.#value(this.#band(spec).lower, back);
  }

  rangeMean(period: number, back: number): number {
    const rangeMeans = this.#rangeMeans;
    for (let i = 0; i < rangeMeans.length; i++) {
      if (rangeMeans[i]!.period === period) return this.#value(rangeMeans[i]!.values, back);
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
