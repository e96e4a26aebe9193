// The closed bars a strategy looks at, streamed oldest first, with the indicators it reads kept up
// to date bar by bar: O(1) per bar, the last `depth` bars and values in typed-array rings. The
// live cycle streams its window through one; the backtester streams a whole history.
import type { Bar } from '../market.ts';
import { StreamingAdx, StreamingBollinger, StreamingEma } from './streaming.ts';

export interface BollingerSpec {
  period: number;
  deviations: number;
}

/** Which indicators a set of strategies reads, and how many bars back (0 = the last bar). */
export interface IndicatorPlan {
  ema: readonly number[];
  adx: readonly number[];
  bollinger: readonly BollingerSpec[];
  /** Bars and indicator values kept: reads go at most depth − 1 bars back. */
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
}

/** One value per bar for the last `capacity` bars (a power of two). */
class Ring {
  readonly values: Float64Array;
  readonly #mask: number;

  constructor(capacity: number) {
    this.values = new Float64Array(capacity).fill(Number.NaN);
    this.#mask = capacity - 1;
  }

  set(count: number, value: number): void {
    this.values[count & this.#mask] = value;
  }

  /** The value `back` bars before the last of `count` bars. */
  get(count: number, back: number, depth: number): number {
    if (back < 0 || back >= depth || back >= count) return Number.NaN;
    return this.values[(count - 1 - back) & this.#mask]!;
  }
}

function unknownIndicator(name: string): never {
  throw new Error(`indicator ${name} is not in this window's plan`);
}

export class StreamedWindow implements MarketWindow {
  readonly #depth: number;
  readonly #capacity: number;
  #count = 0;
  readonly #bars: { openTime: Ring; open: Ring; high: Ring; low: Ring; close: Ring; tickVolume: Ring; spread: Ring };
  // Found by a scan, not a map: a plan holds a handful of indicators and reads are the hot path.
  readonly #emas: Array<{ period: number; stream: StreamingEma; ring: Ring }>;
  readonly #adxs: Array<{ period: number; stream: StreamingAdx; ring: Ring }>;
  readonly #bands: Array<BollingerSpec & { stream: StreamingBollinger; upper: Ring; middle: Ring; lower: Ring }>;

  /** `point`: the price grid, on which Bollinger sums are kept exact. */
  constructor(plan: IndicatorPlan, point: number) {
    this.#depth = Math.max(1, plan.depth);
    this.#capacity = 2 ** Math.ceil(Math.log2(this.#depth));
    const ring = () => new Ring(this.#capacity);
    this.#bars = {
      openTime: ring(),
      open: ring(),
      high: ring(),
      low: ring(),
      close: ring(),
      tickVolume: ring(),
      spread: ring(),
    };
    this.#emas = [...new Set(plan.ema)].map((period) => ({ period, stream: new StreamingEma(period), ring: ring() }));
    this.#adxs = [...new Set(plan.adx)].map((period) => ({ period, stream: new StreamingAdx(period), ring: ring() }));
    const bands = [...new Map(plan.bollinger.map((spec) => [`${spec.period}:${spec.deviations}`, spec])).values()];
    this.#bands = bands.map(({ period, deviations }) => ({
      period,
      deviations,
      stream: new StreamingBollinger(period, deviations, point),
      upper: ring(),
      middle: ring(),
      lower: ring(),
    }));
  }

  get count(): number {
    return this.#count;
  }

  /** Adds the next closed bar (oldest first). */
  push(openTime: number, open: number, high: number, low: number, close: number, tickVolume: number, spread: number) {
    const slot = this.#count;
    const bars = this.#bars;
    bars.openTime.set(slot, openTime);
    bars.open.set(slot, open);
    bars.high.set(slot, high);
    bars.low.set(slot, low);
    bars.close.set(slot, close);
    bars.tickVolume.set(slot, tickVolume);
    bars.spread.set(slot, spread);
    for (const ema of this.#emas) ema.ring.set(slot, ema.stream.update(close));
    for (const adx of this.#adxs) {
      adx.stream.update(high, low, close);
      adx.ring.set(slot, adx.stream.adx);
    }
    for (const band of this.#bands) {
      band.stream.update(close);
      band.upper.set(slot, band.stream.upper);
      band.middle.set(slot, band.stream.middle);
      band.lower.set(slot, band.stream.lower);
    }
    this.#count++;
  }

  pushBar(bar: Bar): void {
    this.push(bar.openTime, bar.open, bar.high, bar.low, bar.close, bar.tickVolume, bar.spread);
  }

  openTime(back: number): number {
    return this.#bars.openTime.get(this.#count, back, this.#depth);
  }

  open(back: number): number {
    return this.#bars.open.get(this.#count, back, this.#depth);
  }

  high(back: number): number {
    return this.#bars.high.get(this.#count, back, this.#depth);
  }

  low(back: number): number {
    return this.#bars.low.get(this.#count, back, this.#depth);
  }

  close(back: number): number {
    return this.#bars.close.get(this.#count, back, this.#depth);
  }

  bar(back: number): Bar {
    const { openTime, open, high, low, close, tickVolume, spread } = this.#bars;
    const at = (ring: Ring) => ring.get(this.#count, back, this.#depth);
    return {
      openTime: at(openTime),
      open: at(open),
      high: at(high),
      low: at(low),
      close: at(close),
      tickVolume: at(tickVolume),
      spread: at(spread),
    };
  }

  ema(period: number, back: number): number {
    for (const ema of this.#emas) if (ema.period === period) return ema.ring.get(this.#count, back, this.#depth);
    return unknownIndicator(`EMA(${period})`);
  }

  adx(period: number, back: number): number {
    for (const adx of this.#adxs) if (adx.period === period) return adx.ring.get(this.#count, back, this.#depth);
    return unknownIndicator(`ADX(${period})`);
  }

  #band(spec: BollingerSpec) {
    for (const band of this.#bands) if (band.period === spec.period && band.deviations === spec.deviations) return band;
    return unknownIndicator(`Bollinger(${spec.period}, ${spec.deviations})`);
  }

  bollingerUpper(spec: BollingerSpec, back: number): number {
    return this.#band(spec).upper.get(this.#count, back, this.#depth);
  }

  bollingerMiddle(spec: BollingerSpec, back: number): number {
    return this.#band(spec).middle.get(this.#count, back, this.#depth);
  }

  bollingerLower(spec: BollingerSpec, back: number): number {
    return this.#band(spec).lower.get(this.#count, back, this.#depth);
  }
}

/** One plan covering several: every indicator any of them reads, to the deepest read. */
export function mergePlans(plans: readonly Partial<IndicatorPlan>[]): IndicatorPlan {
  return {
    ema: plans.flatMap((plan) => plan.ema ?? []),
    adx: plans.flatMap((plan) => plan.adx ?? []),
    bollinger: plans.flatMap((plan) => plan.bollinger ?? []),
    depth: Math.max(1, ...plans.map((plan) => plan.depth ?? 1)),
  };
}
