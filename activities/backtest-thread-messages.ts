// What a backtest's worker thread is given and what it posts back.
import type { BacktestResult, BacktestSettings } from '../backtest/types.ts';
import type { BarColumns } from '../trading/bar-columns.ts';

export interface BacktestThreadData {
  bars: BarColumns;
  settings: BacktestSettings;
}

export type BacktestThreadMessage =
  | { type: 'progress'; barsDone: number; barsTotal: number }
  | { type: 'done'; result: BacktestResult; reportHtml: string };
