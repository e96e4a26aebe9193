import { barIndicators } from '../../../../trading/indicators/bar-indicators.ts';
import type { Bar, InstrumentSpec } from '../../../../trading/market.ts';
import type { StrategyHit } from '../../../../trading/strategies/signal.ts';
import type { Strategy } from '../../../../trading/strategies/strategy.ts';
import { XAUUSD } from '../fixtures.ts';

export function evaluate<Params>(
  strategy: Strategy<Params>,
  series: readonly Bar[],
  params: Params,
  instrument: InstrumentSpec = XAUUSD,
): StrategyHit | null {
  return strategy.evaluate({ bars: series, indicators: barIndicators(series), instrument }, params);
}
