// The strategy registry: names, per-bot parameters, and one run over the last closed bar.
import { z } from 'zod';
import { barIndicators } from '../indicators/bar-indicators.ts';
import type { Bar, InstrumentSpec } from '../market.ts';
import { dojiBreakout, dojiBreakoutParamsSchema } from './doji-breakout.ts';
import type { StrategyName } from './names.ts';
import { pinBar, pinBarParamsSchema } from './pin-bar.ts';
import { rangeReversion, rangeReversionParamsSchema } from './range-reversion.ts';
import type { StrategySignal } from './signal.ts';
import type { Strategy } from './strategy.ts';
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

/**
 * Runs the enabled strategies on the last of `bars` (closed, oldest first). At most one signal
 * per strategy; indicators are computed once over the given window and shared.
 */
export function runStrategies(
  bars: readonly Bar[],
  enabled: readonly StrategyName[],
  params: StrategyParams,
  instrument: InstrumentSpec,
): StrategySignal[] {
  const lastBar = bars.at(-1);
  if (lastBar === undefined) return [];
  const input = { bars, indicators: barIndicators(bars), instrument };
  const signals: StrategySignal[] = [];
  for (const name of new Set(enabled)) {
    const hit = strategy(name).evaluate(input, params[name]);
    if (hit !== null) signals.push({ strategy: name, barOpenTime: lastBar.openTime, ...hit });
  }
  return signals;
}
