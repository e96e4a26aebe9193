// Imported M1 bars in PostgreSQL (market_bar): storing a whole file in one transaction, and
// reading a symbol's bars back for the replay feed.
import { MarketBar } from '../../db/entities/market-bar.ts';
import type { Orm } from '../../db/orm.ts';
import type { Bar } from '../../trading/market.ts';
import { type Mt5CsvOptions, parseMt5Csv } from './mt5-csv.ts';

/** The most two readings of one server time can differ by: from UTC−12 to UTC+14. */
const MAX_CLOCK_SHIFT_MS = 26 * 3_600_000;

/** Rows per INSERT statement: PostgreSQL takes at most 65 535 parameters in one statement. */
const BATCH_SIZE = 2000;

export interface StoreBarsOptions {
  symbol: string;
  /** Where the bars came from, e.g. the file name. */
  source: string;
  /**
   * Remove first the symbol's stored bars from the first bar's minute to the last's, and those an
   * earlier import from the same source stored within 26 hours of that span: an export read again
   * with another clock lands on other minutes (at its ends, outside its new span too), and the old
   * ones would stay; the same file name's other months are left alone.
   */
  replace?: boolean;
  batchSize?: number;
}

export interface StoredBars {
  stored: number;
  /** Bars removed by `replace` (those the new ones then took the place of included). */
  removed: number;
}

/**
 * Stores `bars` (oldest first) all or nothing. A bar already stored for the same symbol and minute
 * is replaced, so importing an overlapping export again is harmless; with `replace`, so is every
 * other stored bar in the span the file covers or from the same source.
 */
export async function storeBars(orm: Orm, bars: Bar[], options: StoreBarsOptions): Promise<StoredBars> {
  const rows = bars.map((bar) => ({
    symbol: options.symbol,
    openTime: new Date(bar.openTime),
    open: String(bar.open),
    high: String(bar.high),
    low: String(bar.low),
    close: String(bar.close),
    tickVolume: bar.tickVolume,
    spread: bar.spread,
    source: options.source,
  }));
  const first = bars[0]?.openTime;
  const last = bars.at(-1)?.openTime;
  return orm.em.fork().transactional(async (em) => {
    let removed = 0;
    if (options.replace === true && first !== undefined && last !== undefined) {
      // An earlier reading of the same file on another clock: its bars at most a clock's span away.
      const reread = { $gte: new Date(first - MAX_CLOCK_SHIFT_MS), $lte: new Date(last + MAX_CLOCK_SHIFT_MS) };
      removed = await em.nativeDelete(MarketBar, {
        symbol: options.symbol,
        $or: [
          { openTime: { $gte: new Date(first), $lte: new Date(last) } },
          { source: options.source, openTime: reread },
        ],
      });
    }
    await em.upsertMany(MarketBar, rows, {
      onConflictFields: ['symbol', 'openTime'],
      onConflictAction: 'merge',
      batchSize: options.batchSize ?? BATCH_SIZE,
    });
    return { stored: rows.length, removed };
  });
}

/** Parses an MT5 export (rejected whole on any bad line, see parseMt5Csv) and stores it. */
export async function importMt5Csv(
  orm: Orm,
  text: string,
  options: StoreBarsOptions & Mt5CsvOptions,
): Promise<StoredBars> {
  return storeBars(orm, parseMt5Csv(text, options), options);
}

/** A symbol's stored bars with `from <= openTime < to`, oldest first. */
export async function loadBars(orm: Orm, symbol: string, range: { from: number; to: number }): Promise<Bar[]> {
  const rows = await orm.em
    .fork()
    .find(
      MarketBar,
      { symbol, openTime: { $gte: new Date(range.from), $lt: new Date(range.to) } },
      { orderBy: { openTime: 'asc' } },
    );
  return rows.map((row) => ({
    openTime: row.openTime.getTime(),
    open: Number(row.open),
    high: Number(row.high),
    low: Number(row.low),
    close: Number(row.close),
    tickVolume: row.tickVolume,
    spread: row.spread,
  }));
}
