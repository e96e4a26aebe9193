import type { TradeSide } from '../market.ts';
import type { StrategyName } from './names.ts';

/** One strategy's verdict on the last closed bar. Prices are Bid prices, like the bars. */
export interface StrategySignal {
  strategy: StrategyName;
  direction: TradeSide;
  barOpenTime: number;
  /** Confidence in [0, 1] from the strategy's own features; 0 = barely met the thresholds. */
  score: number;
  /** Close of the signal bar: the reference price the SL/TP were planned from. */
  entryPrice: number;
  stopLoss: number | null;
  takeProfit: number | null;
  /** The values that decided, stored as the Signal payload. */
  features: Record<string, number>;
}

/** What one strategy finds on the last bar, before it is stamped with name and bar time. */
export type StrategyHit = Omit<StrategySignal, 'strategy' | 'barOpenTime'>;
