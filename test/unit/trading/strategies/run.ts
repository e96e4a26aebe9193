import { barColumnsOf } from '../../../../trading/bar-columns.ts';
import { IndicatorWindow, mergePlans } from '../../../../trading/indicators/market-window.ts';
import type { Bar, InstrumentSpec, TradeSide } from '../../../../trading/market.ts';
import type { StrategyHit } from '../../../../trading/strategies/signal.ts';
import type { Strategy } from '../../../../trading/strategies/strategy.ts';
import { XAUUSD, mirror } from '../fixtures.ts';

/** A window over the whole series, from its first bar to its last. */
export function windowOver<Params>(
  strategy: Strategy<Params>,
  series: readonly Bar[],
  params: Params,
  instrument: InstrumentSpec = XAUUSD,
): IndicatorWindow {
  const plan = mergePlans([strategy.plan(params)]);
  const window = new IndicatorWindow(plan, instrument.point, barColumnsOf(series), 0, series.length);
  if (series.length > 0) window.advanceTo(series.length - 1);
  return window;
}

export function evaluate<Params>(
  strategy: Strategy<Params>,
  series: readonly Bar[],
  params: Params,
  instrument: InstrumentSpec = XAUUSD,
): StrategyHit | null {
  return strategy.evaluate({ window: windowOver(strategy, series, params, instrument), instrument }, params);
}

/** A buy setup as given and its mirror image around `pivot`: the same setup for a sell. */
export function longAndShort(series: readonly Bar[], pivot: number): [TradeSide, Bar[]][] {
  return [
    ['buy', [...series]],
    ['sell', mirror(series, pivot)],
  ];
}
