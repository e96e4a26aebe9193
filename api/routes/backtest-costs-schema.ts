// What a backtest's market costs beyond its bars, as POST /backtests takes it: each field has its
// default, shown in /docs, and the CLI's options take the same values (bots/backtest-request.ts).
import { z } from 'zod';
import { costsShape } from '../../bots/backtest-request.ts';

export const costsBody = z
  .strictObject({
    spreadPoints: costsShape.spreadPoints
      .default(null)
      .describe("Spread in points on every bar; null (default): each bar's own spread"),
    commissionPerLot: costsShape.commissionPerLot
      .default(null)
      .describe(
        "Per lot and deal side, in account currency; null (default): the account's, as its instrument reports it",
      ),
    slippagePoints: costsShape.slippagePoints
      .default(0)
      .describe('Adverse slippage on every fill, in points (default 0)'),
    slippageJitterPoints: costsShape.slippageJitterPoints
      .default(0)
      .describe('Extra adverse slippage drawn (seeded) from 0 to this on every fill, in points (default 0)'),
    stopsPriority: costsShape.stopsPriority.describe(
      "A bar reaching both a position's SL and TP: ohlc_path (default) fills the level MT5's 1-minute OHLC path reaches first; sl_first fills the SL, a worst case",
    ),
  })
  .prefault({})
  .describe('What trading costs beyond the bars');
