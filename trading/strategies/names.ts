export const STRATEGY_NAMES = ['pin_bar', 'trend_pullback', 'doji_breakout', 'range_reversion'] as const;

export type StrategyName = (typeof STRATEGY_NAMES)[number];
