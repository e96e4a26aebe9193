// The bars a backtest runs over, wherever it is started from (the CLI, the REST API's worker): the
// `warmUp` bars before its period (they only warm the indicators up), every bar of the period, and
// the first bar after it, whose prices the cycle after the period's last bar trades at.
import { MINUTE_MS } from '../brokers/feeds/feed.ts';
import { createSyntheticFeed } from '../brokers/feeds/synthetic.ts';
import type { Orm } from '../db/orm.ts';
import { eachStoredBarPage, storedBarsBefore } from '../db/stored-bars.ts';
import { BarColumnsBuilder, type BarColumns } from '../trading/bar-columns.ts';
import type { Bar } from '../trading/market.ts';

/** How far past the period the next stored bar is looked for: a weekend, or a holiday after one. */
const NEXT_BAR_SEARCH_MS = 7 * 24 * 60 * MINUTE_MS;

export interface BacktestPeriod {
  /** UTC epoch ms: bars opening in [from, to) are traded. */
  from: number;
  to: number;
}

/** A day of synthetic bars at a time: a year never exists as half a million bar objects. */
const SYNTHETIC_CHUNK_MS = 24 * 60 * MINUTE_MS;

/** Indexes in `openTimes` (oldest first) of the last `warmUp` bars before the period and just past the first after it. */
function aroundIndexes(openTimes: ArrayLike<number>, period: BacktestPeriod, warmUp: number) {
  let start = openTimes.length;
  let end = openTimes.length;
  for (let i = 0; i < openTimes.length; i++) {
    if (start === openTimes.length && openTimes[i]! >= period.from) start = i;
    if (openTimes[i]! >= period.to) {
      end = i + 1;
      break;
    }
  }
  return { start: Math.max(0, start - warmUp), end };
}

/** Of `bars` (oldest first): the last `warmUp` before the period, the period's, and the first after it. */
export function barsAround(bars: readonly Bar[], period: BacktestPeriod, warmUp: number): Bar[] {
  const { start, end } = aroundIndexes(
    bars.map((bar) => bar.openTime),
    period,
    warmUp,
  );
  return bars.slice(start, end);
}

/** From the seeded synthetic feed, which has a bar every minute, straight into columns. */
export function syntheticBacktestBars(
  symbol: string,
  seed: number,
  period: BacktestPeriod,
  warmUp: number,
): BarColumns {
  const feed = createSyntheticFeed({ seed });
  const from = period.from - warmUp * MINUTE_MS;
  const to = period.to + MINUTE_MS;
  const columns = new BarColumnsBuilder(Math.max(1, Math.ceil((to - from) / MINUTE_MS)));
  for (let chunk = from; chunk < to; chunk += SYNTHETIC_CHUNK_MS) {
    for (const bar of feed.barsBetween(symbol, chunk, Math.min(to, chunk + SYNTHETIC_CHUNK_MS))) columns.append(bar);
  }
  return columns.build();
}

/** From the MT5 bars imported into the database (`scalper import-bars`), a page at a time into columns. */
export async function storedBacktestBars(
  orm: Orm,
  symbol: string,
  period: BacktestPeriod,
  warmUp: number,
): Promise<BarColumns> {
  const em = orm.em.fork();
  const columns = new BarColumnsBuilder();
  for (const bar of await storedBarsBefore(em, symbol, period.from, warmUp)) columns.append(bar);
  await eachStoredBarPage(em, symbol, { from: period.from, to: period.to + NEXT_BAR_SEARCH_MS }, (page) => {
    for (const bar of page) columns.append(bar);
  });
  const { start, end } = aroundIndexes(columns.openTimes, period, warmUp);
  return columns.build(start, end);
}
