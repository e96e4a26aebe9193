// Imported M1 bars in PostgreSQL (market_bar): storing a whole file in one transaction, and
// reading a symbol's bars back for the replay feed.
import { MarketBar } from '../../db/entities/market-bar.ts';
import type { Orm } from '../../db/orm.ts';
import type { Bar } from '../../trading/market.ts';
import { type Mt5CsvOptions, parseMt5Csv } from './mt5-csv.ts';

/** Rows per INSERT statement: PostgreSQL takes at most 65 535 parameters in one statement. */
const BATCH_SIZE = 2000;

export interface StoreBarsOptions {
  symbol: string;
  /** Where the bars came from, e.g. the file name. */
  source: string;
  batchSize?: number;
}

/**
 * Stores `bars` all or nothing. A bar already stored for the same symbol and minute is replaced,
 * so importing an overlapping export again is harmless.
 */
export async function storeBars(orm: Orm, bars: Bar[], options: StoreBarsOptions): Promise<number> {
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
  await orm.em.fork().transactional(async (em) => {
    await em.upsertMany(MarketBar, rows, {
      onConflictFields: ['symbol', 'openTime'],
      onConflictAction: 'merge',
      batchSize: options.batchSize ?? BATCH_SIZE,
    });
  });
  return rows.length;
}

/** Parses an MT5 export (rejected whole on any bad line, see parseMt5Csv) and stores it. */
export async function importMt5Csv(orm: Orm, text: string, options: StoreBarsOptions & Mt5CsvOptions): Promise<number> {
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
