import { barIndicators } from '../../../../trading/indicators/bar-indicators.ts';
import type { Bar, InstrumentSpec, TradeSide } from '../../../../trading/market.ts';
import type { StrategyHit } from '../../../../trading/strategies/signal.ts';
import type { Strategy } from '../../../../trading/strategies/strategy.ts';
import { XAUUSD, mirror } from '../fixtures.ts';

export function evaluate<Params>(
  strategy: Strategy<Params>,
  series: readonly Bar[],
  params: Params,
  instrument: InstrumentSpec = XAUUSD,
): StrategyHit | null {
  return strategy.evaluate({ bars: series, indicators: barIndicators(series), instrument }, params);
}

/** A buy setup as given and its mirror image around `pivot`: the same setup for a sell. */
export function longAndShort(series: readonly Bar[], pivot: number): [TradeSide, Bar[]][] {
  return [
    ['buy', [...series]],
    ['sell', mirror(series, pivot)],
  ];
}
