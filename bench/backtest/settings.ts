// What the backtest benchmark runs: the seeded synthetic gold from 2025-01-01, all four strategies
// with their default parameters, the default risk settings, the paper gold spec and its costs.
import type { BacktestSettings } from '../../backtest/types.ts';
import { paperInstruments } from '../../brokers/paper/index.ts';
import { riskSettingsSchema } from '../../trading/risk/index.ts';
import { STRATEGY_NAMES, strategyParamsSchema } from '../../trading/strategies/index.ts';

export const DAY_MS = 86_400_000;
export const SYMBOL = 'XAUUSDm';
export const SEED = 42;
export const FROM = Date.UTC(2025, 0, 1);
/** Warm-up bars before FROM: more than twice the default strategies' lookback (693 bars). */
export const WARM_UP_BARS = 2 * 1440;

export function benchSettings(from: number, to: number): BacktestSettings {
  const { commissionPerLot, ...instrument } = paperInstruments(100).find((spec) => spec.symbol === SYMBOL)!;
  return {
    symbol: SYMBOL,
    instrument,
    enabledStrategies: [...STRATEGY_NAMES],
    strategyParams: strategyParamsSchema.parse({}),
    riskSettings: riskSettingsSchema.parse({}),
    lookback: undefined,
    startingBalance: 10_000,
    accountMode: 'hedging',
    leverage: 100,
    costs: {
      spreadPoints: null,
      commissionPerLot,
      slippagePoints: 0,
      slippageJitterPoints: 0,
      stopsPriority: 'ohlc_path',
    },
    schedule: { kind: 'bar_close', delaySeconds: 5 },
    from,
    to,
    seed: 1,
  };
}
