import type { IndicatorPlan, MarketWindow } from '../indicators/market-window.ts';
import type { InstrumentSpec } from '../market.ts';
import type { StrategyHit } from './signal.ts';

/** What a strategy sees: the closed bars up to the signal bar, their indicators, the instrument. */
export interface StrategyInput {
  window: MarketWindow;
  instrument: InstrumentSpec;
}

/** A parameter the strategy does not read with the others it has, and the setting that would make it. */
export interface UnreadParam {
  key: string;
  /** `channel=donchian`: the parameter is read only with this. */
  readOnlyWith: string;
}

export interface Strategy<Params> {
  /** Warm-up: fewer closed bars than this and the strategy never fires. */
  minBars(params: Params): number;
  /** The indicators it reads and how far back, so a window keeps them up to date. */
  plan(params: Params): Partial<IndicatorPlan>;
  /** At most one hit, for the last bar only. */
  evaluate(input: StrategyInput, params: Params): StrategyHit | null;
  /** Its parameters that `params` leave unread (a variant's own): none when absent. */
  unread?(params: Params): readonly UnreadParam[];
}
