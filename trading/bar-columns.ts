// Bars as columns, oldest first: one typed array per field. The backtester walks a history in
// them and shares them with worker threads; a strategy window reads its bars from them in place.
import type { Bar } from './market.ts';

/** M1 bars as columns, oldest first: cheap to walk, and shareable with worker threads. */
export interface BarColumns {
  /** UTC epoch ms, whole minutes, strictly increasing. */
  openTime: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  tickVolume: Float64Array;
  /** Spread in points, as MT5 exports it. */
  spread: Float64Array;
}

const BAR_COLUMNS = ['openTime', 'open', 'high', 'low', 'close', 'tickVolume', 'spread'] as const;

/** Columns for `capacity` bars. */
function emptyBarColumns(capacity: number): BarColumns {
  const column = () => new Float64Array(capacity);
  return Object.fromEntries(BAR_COLUMNS.map((name) => [name, column()])) as Record<keyof BarColumns, Float64Array>;
}

function setBarAt(columns: BarColumns, i: number, bar: Bar): void {
  for (const name of BAR_COLUMNS) columns[name][i] = bar[name];
}

export function barColumnsOf(bars: readonly Bar[]): BarColumns {
  const columns = emptyBarColumns(bars.length);
  bars.forEach((bar, i) => setBarAt(columns, i, bar));
  return columns;
}

/** Columns filled a bar at a time, growing as needed, for histories whose length is not known up front. */
export class BarColumnsBuilder {
  #columns: BarColumns;
  #count = 0;

  constructor(initialCapacity = 1024) {
    this.#columns = emptyBarColumns(Math.max(1, initialCapacity));
  }

  /** The open times appended so far (a view, valid until the next append). */
  get openTimes(): Float64Array {
    return this.#columns.openTime.subarray(0, this.#count);
  }

  append(bar: Bar): void {
    if (this.#count === this.#columns.openTime.length) {
      const grown = emptyBarColumns(2 * this.#count);
      for (const name of BAR_COLUMNS) grown[name].set(this.#columns[name]);
      this.#columns = grown;
    }
    setBarAt(this.#columns, this.#count++, bar);
  }

  /**
   * Bars `start` (inclusive) to `end` (exclusive) of those appended: the columns themselves when
   * that is all they hold, else copied into columns of their own size (a grown builder's spare
   * room is not kept alive).
   */
  build(start = 0, end = this.#count): BarColumns {
    if (start === 0 && end === this.#columns.openTime.length) return this.#columns;
    return Object.fromEntries(BAR_COLUMNS.map((name) => [name, this.#columns[name].slice(start, end)])) as Record<
      keyof BarColumns,
      Float64Array
    >;
  }
}
