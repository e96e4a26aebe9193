// Bars in shared memory: posted to a worker thread, a SharedArrayBuffer is handed over, not
// copied, so N threads read one copy of a year of M1 bars.
import type { BarColumns } from '../../trading/bar-columns.ts';

function sharedColumn(column: Float64Array): Float64Array {
  if (column.buffer instanceof SharedArrayBuffer) return column;
  const shared = new Float64Array(new SharedArrayBuffer(column.byteLength));
  shared.set(column);
  return shared;
}

/** The same columns on SharedArrayBuffers; columns already shared are kept as they are. */
export function sharedBarColumns(columns: BarColumns): BarColumns {
  return {
    openTime: sharedColumn(columns.openTime),
    open: sharedColumn(columns.open),
    high: sharedColumn(columns.high),
    low: sharedColumn(columns.low),
    close: sharedColumn(columns.close),
    tickVolume: sharedColumn(columns.tickVolume),
    spread: sharedColumn(columns.spread),
  };
}
