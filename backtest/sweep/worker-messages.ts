// What the sweep pool and its worker threads say to each other.
import type { BacktestSettings } from '../types.ts';
import type { BarColumns } from '../../trading/bar-columns.ts';
import type { SweepPoint } from './point.ts';
import type { SweepSummary } from './summary.ts';

/** Given once, when the thread starts: the bars on SharedArrayBuffers, so every thread reads one copy. */
export interface SweepWorkerData {
  bars: BarColumns;
}

/** One point to run: `base` (the window and everything not swept) with the point's values set. */
export interface SweepTask {
  index: number;
  base: BacktestSettings;
  point: SweepPoint;
}

export type SweepReply =
  { index: number; summary: SweepSummary; error: null } | { index: number; summary: null; error: string };
