// The bars a backtest runs over, wherever it is started from (the CLI, the REST API's worker): the
// `warmUp` bars before its period (they only warm the indicators up), every bar of the period, and
// the first bar after it, whose prices the cycle after the period's last bar trades at.
import { MINUTE_MS } from '../brokers/feeds/feed.ts';
import { createSyntheticFeed } from '../brokers/feeds/synthetic.ts';
import type { Orm } from '../db/orm.ts';
import { eachStoredBarPage, storedBarsBefore } from '../db/stored-bars.ts';
import type { Bar } from '../trading/market.ts';

/** How far past the period the next stored bar is looked for: a weekend, or a holiday after one. */
const NEXT_BAR_SEARCH_MS = 7 * 24 * 60 * MINUTE_MS;

export interface BacktestPeriod {
  /** UTC epoch ms: bars opening in [from, to) are traded. */
  from: number;
  to: number;
}

/** Of `bars` (oldest first): the last `warmUp` before the period, the period's, and the first after it. */
export function barsAround(bars: readonly Bar[], period: BacktestPeriod, warmUp: number): Bar[] {
  const first = bars.findIndex((bar) => bar.openTime >= period.from);
  const start = first < 0 ? bars.length : first;
  const after = bars.findIndex((bar) => bar.openTime >= period.to);
  return bars.slice(Math.max(0, start - warmUp), after < 0 ? bars.length : after + 1);
}

/** From the seeded synthetic feed, which has a bar every minute. */
export function syntheticBacktestBars(symbol: string, seed: number, period: BacktestPeriod, warmUp: number): Bar[] {
  return createSyntheticFeed({ seed }).barsBetween(symbol, period.from - warmUp * MINUTE_MS, period.to + MINUTE_MS);
}

/** From the MT5 bars imported into the database (`scalper import-bars`), a page at a time. */
export async function storedBacktestBars(
  orm: Orm,
  symbol: string,
  period: BacktestPeriod,
  warmUp: number,
): Promise<Bar[]> {
  const em = orm.em.fork();
  const bars = await storedBarsBefore(em, symbol, period.from, warmUp);
  await eachStoredBarPage(em, symbol, { from: period.from, to: period.to + NEXT_BAR_SEARCH_MS }, (page) => {
    for (const bar of page) bars.push(bar);
  });
  return barsAround(bars, period, warmUp);
}
