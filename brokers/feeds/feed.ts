// What the paper broker needs from market data. Bars are Bid; the forming minute is never a bar.
import type { Bar } from '../../trading/market.ts';
import type { Quote } from '../port.ts';

export const MINUTE_MS = 60_000;

export interface MarketFeed {
  /** The M1 bar opening at `openTime` (a whole minute), or null when the feed has none. */
  barAt(symbol: string, openTime: number): Bar | null;
  /** The last `count` bars closed at `now` (the minute containing `now` is still forming), oldest first. */
  closedBars(symbol: string, count: number, now: number): Bar[];
  /** Bars with `from <= openTime < to`, oldest first. */
  barsBetween(symbol: string, from: number, to: number): Bar[];
  /**
   * The quote at `now`, or null when there is no price (unknown symbol, no data for the minute).
   * It is `quoteOnPath` of the forming bar: the paper broker settles SL/TP on those same prices.
   */
  quote(symbol: string, now: number): Quote | null;
}

export function minuteOpenTime(time: number): number {
  return Math.floor(time / MINUTE_MS) * MINUTE_MS;
}
