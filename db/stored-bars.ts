// Imported M1 bars (market_bar) read for a backtest: plain rows a page at a time, so a year of bars
// never becomes a million entities at once.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Bar } from '../trading/market.ts';

/** Rows per query: a page of about a month of M1 bars. */
const PAGE_SIZE = 50_000;

const BAR_COLUMNS = `(extract(epoch from open_time) * 1000)::float8 as "openTime", open::float8 as open,
  high::float8 as high, low::float8 as low, close::float8 as close, tick_volume as "tickVolume", spread`;

/** Whether `symbol` has a stored bar opening in [from, to). */
export async function hasStoredBars(em: EntityManager, symbol: string, from: number, to: number): Promise<boolean> {
  const rows = await em.execute(
    `select 1 from market_bar where symbol = ? and open_time >= ?::timestamptz and open_time < ?::timestamptz limit 1`,
    [symbol, new Date(from).toISOString(), new Date(to).toISOString()],
  );
  return rows.length > 0;
}

/** The last `count` stored bars of `symbol` opening before `before`, oldest first. */
export function storedBarsBefore(em: EntityManager, symbol: string, before: number, count: number): Promise<Bar[]> {
  return em.execute<Bar[]>(
    `select * from (select ${BAR_COLUMNS} from market_bar where symbol = ? and open_time < ?::timestamptz
       order by open_time desc limit ?) warm_up order by "openTime"`,
    [symbol, new Date(before).toISOString(), count],
  );
}

/** The stored bars of `symbol` opening in [from, to), oldest first, page by page to `onPage`. */
export async function eachStoredBarPage(
  em: EntityManager,
  symbol: string,
  range: { from: number; to: number },
  onPage: (bars: Bar[]) => Promise<void> | void,
): Promise<void> {
  let after = range.from - 1;
  for (;;) {
    const page = await em.execute<Bar[]>(
      `select ${BAR_COLUMNS} from market_bar where symbol = ? and open_time > ?::timestamptz
         and open_time < ?::timestamptz order by open_time limit ?`,
      [symbol, new Date(after).toISOString(), new Date(range.to).toISOString(), PAGE_SIZE],
    );
    if (page.length > 0) await onPage(page);
    if (page.length < PAGE_SIZE) return;
    after = page.at(-1)!.openTime;
  }
}
