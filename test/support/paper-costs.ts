// The paper market's costs for a backtest: each bar's own spread, the instrument's commission, no
// slippage, stops along MT5's OHLC path. What the live paper broker charges, so live and backtest
// can be compared.
import type { CostModel } from '../../backtest/types.ts';

export function paperCosts(commissionPerLot: number, overrides: Partial<CostModel> = {}): CostModel {
  return {
    spreadPoints: null,
    commissionPerLot,
    slippagePoints: 0,
    slippageJitterPoints: 0,
    stopsPriority: 'ohlc_path',
    ...overrides,
  };
}
