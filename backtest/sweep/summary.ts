// What a sweep keeps of one backtest: its point and statistics, not its trades or equity curve
// (thousands of points cross a thread boundary and stay in memory).
import type { StrategyName } from '../../trading/strategies/index.ts';
import type { BacktestResult, BacktestTradeStats } from '../types.ts';
import type { SweepPoint } from './point.ts';

export interface SweepSummary {
  point: SweepPoint;
  /** Bars traded (the window's, warm-up excluded). */
  bars: number;
  finalBalance: number;
  /** Its `count` is the number of trades. */
  overall: BacktestTradeStats;
  byStrategy: Partial<Record<StrategyName, BacktestTradeStats>>;
  killSwitch: BacktestResult['killSwitch'];
}

/** One point's fate in a sweep: a summary, or why it has none. */
export type PointOutcome =
  | { index: number; point: SweepPoint; summary: SweepSummary; error: null }
  | { index: number; point: SweepPoint; summary: null; error: string };

export function summarizeBacktest(point: SweepPoint, result: BacktestResult): SweepSummary {
  return {
    point,
    bars: result.bars,
    finalBalance: result.finalBalance,
    overall: result.overall,
    byStrategy: result.byStrategy,
    killSwitch: result.killSwitch,
  };
}
