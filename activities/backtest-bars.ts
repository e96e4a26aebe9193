// The bars a backtest runs over, from the imported MT5 bars or the synthetic feed: the `warmUp`
// bars before its period (they only warm the indicators up), every bar of the period, and the first
// bar after it, whose prices the cycle after the period's last bar trades at.
import { barColumnsOf } from '../backtest/bar-columns.ts';
import type { BarColumns } from '../backtest/types.ts';
import { MINUTE_MS } from '../brokers/feeds/feed.ts';
import { createSyntheticFeed } from '../brokers/feeds/synthetic.ts';
import type { BacktestRequest } from '../bots/backtest-request.ts';
import type { Orm } from '../db/orm.ts';
import { eachStoredBarPage, storedBarsBefore } from '../db/stored-bars.ts';
import type { Bar } from '../trading/market.ts';

/** How far past the period the next stored bar is looked for: a weekend, or a holiday after one. */
const NEXT_BAR_SEARCH_MS = 7 * 24 * 60 * MINUTE_MS;

export interface BacktestBars {
  columns: BarColumns;
  /** Bars opening in [from, to): the ones traded. */
  traded: number;
}

type Period = Pick<BacktestRequest, 'symbol' | 'source' | 'seed'> & { from: number; to: number };

async function storedBars(orm: Orm, period: Period, warmUp: number): Promise<Bar[]> {
  const em = orm.em.fork();
  const bars = await storedBarsBefore(em, period.symbol, period.from, warmUp);
  const search = { from: period.from, to: period.to + NEXT_BAR_SEARCH_MS };
  await eachStoredBarPage(em, period.symbol, search, (page) => {
    for (const bar of page) bars.push(bar);
  });
  const after = bars.findIndex((bar) => bar.openTime >= period.to);
  return after < 0 ? bars : bars.slice(0, after + 1);
}

/** The synthetic feed has a bar every minute. */
function syntheticBars(period: Period, warmUp: number): Bar[] {
  const feed = createSyntheticFeed({ seed: period.seed });
  return feed.barsBetween(period.symbol, period.from - warmUp * MINUTE_MS, period.to + MINUTE_MS);
}

export async function loadBacktestBars(orm: Orm, period: Period, warmUp: number): Promise<BacktestBars> {
  const bars = period.source === 'synthetic' ? syntheticBars(period, warmUp) : await storedBars(orm, period, warmUp);
  return {
    columns: barColumnsOf(bars),
    traded: bars.filter((bar) => bar.openTime >= period.from && bar.openTime < period.to).length,
  };
}
