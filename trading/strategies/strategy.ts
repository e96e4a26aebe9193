import type { BarIndicators } from '../indicators/bar-indicators.ts';
import type { Bar, InstrumentSpec } from '../market.ts';
import type { StrategyHit } from './signal.ts';

/** What a strategy sees: the closed bars (oldest first), their indicators, the instrument. */
export interface StrategyInput {
  bars: readonly Bar[];
  indicators: BarIndicators;
  instrument: InstrumentSpec;
}

export interface Strategy<Params> {
  /** Warm-up: fewer closed bars than this and the strategy never fires. */
  minBars(params: Params): number;
  /** At most one hit, for the last bar only. */
  evaluate(input: StrategyInput, params: Params): StrategyHit | null;
}
