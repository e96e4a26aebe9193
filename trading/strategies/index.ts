// The strategy registry: names, per-bot parameters, and one run over the last closed bar.
import { z } from 'zod';
import { anchoredWindow } from '../indicators/anchored-window.ts';
import { type IndicatorPlan, type MarketWindow, mergePlans } from '../indicators/market-window.ts';
import type { Bar, InstrumentSpec } from '../market.ts';
import { dojiBreakout, dojiBreakoutParamsSchema } from './doji-breakout.ts';
import type { StrategyName } from './names.ts';
import { pinBar, pinBarParamsSchema } from './pin-bar.ts';
import { rangeReversion, rangeReversionParamsSchema } from './range-reversion.ts';
import type { StrategyHit, StrategySignal } from './signal.ts';
import type { Strategy, StrategyInput, UnreadParam } from './strategy.ts';
import { trendPullback, trendPullbackParamsSchema } from './trend-pullback.ts';

export { STRATEGY_NAMES, type StrategyName } from './names.ts';
export type { StrategySignal } from './signal.ts';

/** Per-bot strategy parameters; `parse({})` yields every default. */
export const strategyParamsSchema = z.object({
  pin_bar: pinBarParamsSchema.prefault({}),
  trend_pullback: trendPullbackParamsSchema.prefault({}),
  doji_breakout: dojiBreakoutParamsSchema.prefault({}),
  range_reversion: rangeReversionParamsSchema.prefault({}),
});

export type StrategyParams = z.output<typeof strategyParamsSchema>;

type StrategyRegistry = { [Name in StrategyName]: Strategy<StrategyParams[Name]> };

const STRATEGIES: StrategyRegistry = {
  pin_bar: pinBar,
  trend_pullback: trendPullback,
  doji_breakout: dojiBreakout,
  range_reversion: rangeReversion,
};

function strategy<Name extends StrategyName>(name: Name): Strategy<StrategyParams[Name]> {
  return STRATEGIES[name];
}

/** Closed bars a strategy needs before it can fire: the engine's lookback must be at least this. */
export function strategyMinBars(name: StrategyName, params: StrategyParams): number {
  return strategy(name).minBars(params[name]);
}

/** The parameters of strategy `name` that `params` leave unread (range reversion's other channel's). */
export function unreadStrategyParams(name: StrategyName, params: StrategyParams): readonly UnreadParam[] {
  return strategy(name).unread?.(params[name]) ?? [];
}

/** Every indicator the enabled strategies read: what a window made for them computes. */
export function strategiesPlan(enabled: readonly StrategyName[], params: StrategyParams): IndicatorPlan {
  return mergePlans(enabled.map((name) => strategy(name).plan(params[name])));
}

/**
 * The enabled strategies looked up once, each once, in order, with its parameters: a backtest
 * runs them on every bar of its history.
 */
export class StrategySet {
  readonly #entries: Array<{ name: StrategyName; run: (input: StrategyInput) => StrategyHit | null }>;
  readonly #instrument: InstrumentSpec;
  /** One input, its window set at each run: strategies do not keep it. */
  #input: StrategyInput | null = null;

  constructor(enabled: readonly StrategyName[], params: StrategyParams, instrument: InstrumentSpec) {
    this.#entries = [...new Set(enabled)].map((name) => ({ name, run: runnerOf(name, params) }));
    this.#instrument = instrument;
  }

  /** The strategies on the last bar of `window`: at most one signal per strategy. */
  evaluate(window: MarketWindow): readonly StrategySignal[] {
    if (window.count === 0) return NO_SIGNALS;
    const input = (this.#input ??= { window, instrument: this.#instrument });
    input.window = window;
    let signals: StrategySignal[] | null = null;
    for (let i = 0; i < this.#entries.length; i++) {
      const { name, run } = this.#entries[i]!;
      const hit = run(input);
      if (hit === null) continue;
      signals ??= [];
      // Field by field, not spread: every signal of a backtest's year comes through here.
      signals.push({
        strategy: name,
        barOpenTime: window.openTime(0),
        direction: hit.direction,
        score: hit.score,
        entryPrice: hit.entryPrice,
        stopLoss: hit.stopLoss,
        takeProfit: hit.takeProfit,
        features: hit.features,
      });
    }
    return signals ?? NO_SIGNALS;
  }
}

const NO_SIGNALS: readonly StrategySignal[] = Object.freeze([]);

function runnerOf<Name extends StrategyName>(name: Name, params: StrategyParams) {
  const chosen = strategy(name);
  const own = params[name];
  return (input: StrategyInput) => chosen.evaluate(input, own);
}

/**
 * The live cycle's run: the enabled strategies on the last of `bars` (closed, oldest first, as
 * fetched with barsToFetch(lookback)), over the window anchored as the backtester anchors it.
 */
export function runStrategies(
  bars: readonly Bar[],
  enabled: readonly StrategyName[],
  params: StrategyParams,
  instrument: InstrumentSpec,
  lookback: number,
): StrategySignal[] {
  const window = anchoredWindow(bars, lookback, strategiesPlan(enabled, params), instrument.point);
  return [...new StrategySet(enabled, params, instrument).evaluate(window)];
}
