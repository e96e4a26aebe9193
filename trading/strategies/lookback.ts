// How many closed bars a bot's strategies need: the lookback every window is anchored by
// (anchored-window.ts), raised until every indicator they read has converged.
import { z } from 'zod';
import { convergedWindow, type SmoothedIndicators } from '../indicators/converged-window.ts';
import { strategyMinBars, type StrategyName, type StrategyParams } from './index.ts';

/** The seed system scanned 100 bars; strategies with longer warm-ups raise it (see lookbackFor). */
export const DEFAULT_LOOKBACK = 100;
export const MIN_LOOKBACK = 20;
export const MAX_LOOKBACK = 5000;

/** The EMAs and Wilder smoothings each strategy reads, from the parameters that set their periods. */
const SMOOTHED_INDICATORS: { [Name in StrategyName]: (params: StrategyParams[Name]) => SmoothedIndicators } = {
  pin_bar: () => ({}),
  trend_pullback: (p) => ({ ema: [p.fastEmaPeriod, p.midEmaPeriod, p.slowEmaPeriod], adx: [p.adxPeriod] }),
  doji_breakout: () => ({}),
  range_reversion: (p) => ({ adx: [p.adxPeriod] }),
};

function convergedWindowOf<Name extends StrategyName>(name: Name, params: StrategyParams): number {
  return convergedWindow(strategyMinBars(name, params), SMOOTHED_INDICATORS[name](params[name]));
}

/**
 * The lookback (the fewest closed bars a strategies' window holds): the requested count, raised
 * until every enabled strategy has its warm-up and every EMA and ADX it reads gives its seed (the
 * window's first close) under 0.1 % weight (convergedWindow; twice the warm-up was not enough:
 * EMA(200) kept 1.8 %). Default parameters
 * need 693 bars (trend pullback's EMA(200)); periods that need more than a bot may fetch are refused.
 */
export function lookbackFor(
  requested: number | undefined,
  enabled: readonly StrategyName[],
  params: StrategyParams,
): number {
  const maximum = MAX_LOOKBACK;
  const windows = enabled.map((name) => ({ name, bars: convergedWindowOf(name, params) }));
  const tooLong = windows.find(({ bars }) => bars > maximum);
  if (tooLong) {
    const { name, bars } = tooLong;
    throw new z.ZodRealError([
      {
        code: 'custom',
        path: ['strategyParams', name],
        message: `${name} needs ${bars} closed bars for its indicators to converge, more than a bot's ${maximum}: use shorter periods`,
        input: params[name],
      },
    ]);
  }
  return Math.max(requested ?? DEFAULT_LOOKBACK, ...windows.map(({ bars }) => bars));
}
