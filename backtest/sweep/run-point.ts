// One grid point's backtest, as a worker thread runs it (and a serial run, to compare with).
import { runBacktest } from '../run.ts';
import type { BacktestSettings } from '../types.ts';
import type { BarColumns } from '../../trading/bar-columns.ts';
import { applySweepPoint, type SweepPoint } from './point.ts';
import { summarizeBacktest, type SweepSummary } from './summary.ts';

export function runSweepPoint(bars: BarColumns, base: BacktestSettings, point: SweepPoint): SweepSummary {
  return summarizeBacktest(point, runBacktest(bars, applySweepPoint(base, point)));
}
