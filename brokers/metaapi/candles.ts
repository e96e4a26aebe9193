// Closed M1 candles from MetaApi, kept per symbol between reads. The engine asks for the same
// ~1,400 closed bars twice a cycle (fetchCandles, then runStrategies) for every bot on the account,
// and a read from scratch is two pages through MetaApi's cloud, one after the other. A read after
// the first asks only for the candles that closed since the newest kept, together with the last
// OVERLAP kept ones, which must come back unchanged; when nothing can have closed since, it asks
// for nothing. A kept candle revised or missing, one inserted among them, more new candles than a
// page holds, a larger count than is kept, or a copy older than REFRESH_MS: the read starts over.
import type { MetaApiCandle } from './sdk-types.ts';

const MINUTE_MS = 60_000;
/** MetaApi's largest candle page. */
export const CANDLE_PAGE = 1000;
/** Kept candles read again, and compared, with the new ones. */
export const OVERLAP = 2;
/** How long kept candles are extended before they are read from scratch again. */
export const REFRESH_MS = 60 * MINUTE_MS;

/** Up to `limit` candles opening at or before `before`, oldest first (MetaApi loads backwards). */
export type CandlePageReader = (symbol: string, before: Date, limit: number) => Promise<MetaApiCandle[]>;

const openOf = (candle: MetaApiCandle): number => candle.time.getTime();

function formingOpenAt(now: number): number {
  return Math.floor(now / MINUTE_MS) * MINUTE_MS;
}

/** The last `count` M1 candles that closed by `now`, oldest first, read backwards page by page. */
export async function readClosedCandles(
  readPage: CandlePageReader,
  symbol: string,
  count: number,
  now: number,
): Promise<MetaApiCandle[]> {
  const formingOpen = formingOpenAt(now);
  const byTime = new Map<number, MetaApiCandle>();
  let before = formingOpen - 1;
  while (byTime.size < count) {
    const page = await readPage(symbol, new Date(before), CANDLE_PAGE);
    const closed = page.filter((c) => openOf(c) < formingOpen);
    for (const candle of closed) byTime.set(openOf(candle), candle);
    if (page.length < CANDLE_PAGE || closed.length === 0) break;
    before = Math.min(...closed.map(openOf)) - 1;
  }
  return [...byTime.values()].sort((a, b) => openOf(a) - openOf(b)).slice(-count);
}

function sameCandle(a: MetaApiCandle, b: MetaApiCandle): boolean {
  return (
    openOf(a) === openOf(b) &&
    a.open === b.open &&
    a.high === b.high &&
    a.low === b.low &&
    a.close === b.close &&
    a.tickVolume === b.tickVolume &&
    a.spread === b.spread
  );
}

interface Kept {
  /** Closed candles, oldest first, as a read from scratch and the extensions since gave them. */
  candles: MetaApiCandle[];
  /** When they were last read from scratch. */
  readAt: number;
}

/** One account's candles, kept per symbol. */
export class ClosedCandles {
  readonly #kept = new Map<string, Kept>();

  /**
   * The last `count` M1 candles that closed by `now`, oldest first. A read from scratch reads as
   * many as are kept, if more: the engine asks for a few more bars in its second read of a cycle.
   */
  async read(readPage: CandlePageReader, symbol: string, count: number, now: number): Promise<MetaApiCandle[]> {
    const kept = this.#kept.get(symbol);
    const extended = kept === undefined ? null : await this.#extend(readPage, kept, symbol, count, now);
    if (kept !== undefined && extended !== null) {
      this.#keep(symbol, { candles: extended, readAt: kept.readAt });
      return extended.slice(-count);
    }
    const candles = await readClosedCandles(readPage, symbol, Math.max(count, kept?.candles.length ?? 0), now);
    this.#keep(symbol, { candles, readAt: now });
    return candles.slice(-count);
  }

  /** Kept candles brought up to `now`; null when they cannot be, and the read starts over. */
  async #extend(
    readPage: CandlePageReader,
    kept: Kept,
    symbol: string,
    count: number,
    now: number,
  ): Promise<MetaApiCandle[] | null> {
    if (kept.candles.length < Math.max(count, OVERLAP) || now - kept.readAt >= REFRESH_MS) return null;
    const formingOpen = formingOpenAt(now);
    const newestKept = openOf(kept.candles.at(-1)!);
    // A clock set back: kept candles may not have closed by `now`.
    if (newestKept >= formingOpen) return null;
    // The newest kept candle opened in the last closed minute: nothing else can have closed.
    if (newestKept === formingOpen - MINUTE_MS) return kept.candles;
    // At most one candle a minute closed since the newest kept.
    const limit = (formingOpen - newestKept) / MINUTE_MS - 1 + OVERLAP;
    if (limit > CANDLE_PAGE) return null;
    const page = (await readPage(symbol, new Date(formingOpen - 1), limit))
      .filter((c) => openOf(c) < formingOpen)
      .sort((a, b) => openOf(a) - openOf(b));
    const overlap = page.filter((c) => openOf(c) <= newestKept);
    // The page must reach back into the kept candles (fewer candles than minutes since, after a
    // gap, take it further back) and agree with them candle for candle there. One reaching back
    // past them all differs at its first candle, older than any kept.
    if (overlap.length < OVERLAP) return null;
    const keptOverlap = kept.candles.slice(-overlap.length);
    if (!overlap.every((c, i) => sameCandle(c, keptOverlap[i]!))) return null;
    const candles = [...kept.candles, ...page.filter((c) => openOf(c) > newestKept)];
    return candles.slice(-kept.candles.length);
  }

  /** Two reads at once (two bots on the symbol): the newer candles are kept, whichever ends last. */
  #keep(symbol: string, next: Kept): void {
    const current = this.#kept.get(symbol);
    const newest = (kept: Kept) => (kept.candles.length === 0 ? -Infinity : openOf(kept.candles.at(-1)!));
    if (current !== undefined && newest(current) > newest(next)) return;
    this.#kept.set(symbol, next);
  }
}
