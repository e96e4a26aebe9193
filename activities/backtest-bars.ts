// The bars a REST backtest runs over, from the imported MT5 bars or the synthetic feed.
import { barsInPeriod } from '../backtest/bar-columns.ts';
import type { BarColumns } from '../trading/bar-columns.ts';
import type { BacktestRequest } from '../bots/backtest-request.ts';
import { storedBacktestBars, syntheticBacktestBars, type BacktestPeriod } from '../bots/backtest-bars.ts';
import type { Orm } from '../db/orm.ts';

export interface BacktestBars {
  columns: BarColumns;
  /** Bars opening in [from, to): the ones traded. */
  traded: number;
}

type Period = Pick<BacktestRequest, 'symbol' | 'source' | 'seed'> & BacktestPeriod;

export async function loadBacktestBars(orm: Orm, period: Period, warmUp: number): Promise<BacktestBars> {
  const columns =
    period.source === 'synthetic'
      ? syntheticBacktestBars(period.symbol, period.seed, period, warmUp)
      : await storedBacktestBars(orm, period.symbol, period, warmUp);
  return { columns, traded: barsInPeriod(columns.openTime, period) };
}
