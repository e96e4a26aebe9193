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

export const BAR_COLUMNS = ['openTime', 'open', 'high', 'low', 'close', 'tickVolume', 'spread'] as const;

/** Columns for `capacity` bars. */
export function emptyBarColumns(capacity: number): BarColumns {
  const column = () => new Float64Array(capacity);
  return Object.fromEntries(BAR_COLUMNS.map((name) => [name, column()])) as Record<keyof BarColumns, Float64Array>;
}

export function setBarAt(columns: BarColumns, i: number, bar: Bar): void {
  for (const name of BAR_COLUMNS) columns[name][i] = bar[name];
}

/** The first `count` bars of `columns`, without copying them. */
export function leadingBars(columns: BarColumns, count: number): BarColumns {
  return Object.fromEntries(BAR_COLUMNS.map((name) => [name, columns[name].subarray(0, count)])) as Record<
    keyof BarColumns,
    Float64Array
  >;
}

export function barColumnsOf(bars: readonly Bar[]): BarColumns {
  const columns = emptyBarColumns(bars.length);
  bars.forEach((bar, i) => setBarAt(columns, i, bar));
  return columns;
}
