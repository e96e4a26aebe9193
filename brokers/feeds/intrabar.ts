// The price path inside one M1 bar, as MT5's "1 minute OHLC" tester assumes it: a bull bar goes
// open → low → high → close, a bear bar open → high → low → close. Quotes inside the forming
// minute and SL/TP checks both read this same path through `quoteOnPath`, so they never disagree.
import type { Bar } from '../../trading/market.ts';
import { roundToStep } from '../../trading/rounding.ts';
import { MINUTE_MS } from './feed.ts';

/**
 * The (unrounded) price at `fraction` ∈ [0, 1] of the way through the bar: on the straight line
 * between two of the path's four vertices, equally spaced in time (fractions 0, 1/3, 2/3, 1).
 */
export function priceOnPath(bar: Pick<Bar, 'open' | 'high' | 'low' | 'close'>, fraction: number): number {
  const position = Math.min(Math.max(fraction, 0), 1) * 3;
  const segment = Math.min(Math.floor(position), 2);
  // The vertices are picked, not put in an array: stops and quotes ask for thousands of prices.
  const bull = bar.close >= bar.open;
  const first = bull ? bar.low : bar.high;
  const second = bull ? bar.high : bar.low;
  const from = segment === 0 ? bar.open : segment === 1 ? first : second;
  const to = segment === 0 ? first : segment === 1 ? second : bar.close;
  return from + (to - from) * (position - segment);
}

/** The Bid on the price grid `offsetMs` into the bar's minute (60 000 = its close). Bars are Bid. */
export function bidOnPath(bar: Pick<Bar, 'open' | 'high' | 'low' | 'close'>, offsetMs: number, point: number): number {
  return roundToStep(priceOnPath(bar, offsetMs / MINUTE_MS), point);
}

/** The Ask to a Bid on the price grid: the bar's spread above it. */
export function askOf(bid: number, bar: Pick<Bar, 'spread'>, point: number): number {
  return roundToStep(bid + bar.spread * point, point);
}

/** Bid and Ask on the price grid `offsetMs` into the bar's minute (60 000 = its close). Bars are Bid. */
export function quoteOnPath(
  bar: Pick<Bar, 'open' | 'high' | 'low' | 'close' | 'spread'>,
  offsetMs: number,
  point: number,
): { bid: number; ask: number } {
  const bid = bidOnPath(bar, offsetMs, point);
  return { bid, ask: askOf(bid, bar, point) };
}
