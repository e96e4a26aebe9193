// Where a position's SL or TP is hit inside one bar. The bar is walked along MT5's OHLC path
// (bull: O→L→H→C, bear: O→H→L→C) one millisecond at a time, on the price grid: the very quotes
// the feed serves during that minute (`quoteOnPath`). A stop fires at the first millisecond whose
// quote reaches it, so no client ever sees a quote at or beyond a level of a position still open.
// Reached at the bar's open (a gap), it fills at the open; reached on the way, at its own price.
import type { Bar } from '../../trading/market.ts';
import { MINUTE_MS } from '../feeds/feed.ts';
import { askOf, bidOnPath } from '../feeds/intrabar.ts';
import type { Side } from '../port.ts';

/**
 * Which level a bar that reaches both a position's SL and its TP fills: the one its OHLC path
 * reaches first (MT5's tester), or the SL (the pessimistic option, a worst case for a backtest).
 */
export const STOPS_PRIORITIES = ['ohlc_path', 'sl_first'] as const;
export type StopsPriority = (typeof STOPS_PRIORITIES)[number];

export interface StopLevels {
  side: Side;
  sl: number | null;
  tp: number | null;
}

export interface StopExit {
  reason: 'sl' | 'tp';
  /** Fill price on the closing side: Bid for a buy position, Ask for a sell position. */
  price: number;
  /** Milliseconds into the bar's minute at which it happened (60 000 = at the close). */
  offsetMs: number;
}

/** The path's vertices (open, low or high, high or low, close): it is a straight line between them. */
const VERTEX_MS = [0, MINUTE_MS / 3, (2 * MINUTE_MS) / 3, MINUTE_MS] as const;

/**
 * The first stop reached in `bar` from `fromMs` (inclusive) to its close. Bars are Bid; a sell
 * position closes at the Ask, so its levels are compared with the quote's Ask.
 */
export function findStopExit(
  bar: Bar,
  fromMs: number,
  position: StopLevels,
  point: number,
  priority: StopsPriority,
): StopExit | null {
  if (!mayReach(bar, position, point)) return null;
  // A buy's SL is reached when the Bid falls to it and its TP when it rises to it; a sell's the other way.
  const slDirection = position.side === 'buy' ? -1 : 1;
  const sl = stopExit(bar, fromMs, position.side, 'sl', position.sl, slDirection, point);
  const tp = stopExit(bar, fromMs, position.side, 'tp', position.tp, -slDirection, point);
  if (sl !== null && (tp === null || sl.offsetMs <= tp.offsetMs)) return sl;
  // Pessimistic option: a bar that reaches both levels took the SL, at the time it reached the TP;
  // but a bar that opens beyond the TP filled it at its open, a price the bar itself records.
  if (tp !== null && sl !== null && priority === 'sl_first' && tp.offsetMs > 0) return { ...sl, offsetMs: tp.offsetMs };
  return tp;
}

/** The price a position on `side` closes at, `ms` into the bar. */
function closingAt(bar: Bar, ms: number, side: Side, point: number): number {
  const bid = bidOnPath(bar, ms, point);
  return side === 'buy' ? bid : askOf(bid, bar, point);
}

/** Whether the closing price `ms` into the bar has reached `level`, coming from `direction`'s side. */
function reached(bar: Bar, ms: number, side: Side, level: number, direction: number, point: number): boolean {
  return direction * (closingAt(bar, ms, side, point) - level) >= 0;
}

// Plain functions with their arguments, not closures: every position is checked at every cycle of a backtest.
function stopExit(
  bar: Bar,
  fromMs: number,
  side: Side,
  reason: 'sl' | 'tp',
  level: number | null,
  direction: number,
  point: number,
): StopExit | null {
  if (level === null) return null;
  const offsetMs = firstReach(bar, fromMs, side, level, direction, point);
  if (offsetMs === null) return null;
  return { reason, price: offsetMs === 0 ? closingAt(bar, 0, side, point) : level, offsetMs };
}

/**
 * Whether the bar's range could reach a level at all: the closing side's prices stay within the
 * bar's low–high (shifted by the spread for the Ask), give or take a point of rounding. Most bars
 * reach neither level, and are passed over without walking their path.
 */
function mayReach(bar: Bar, position: StopLevels, point: number): boolean {
  const shift = position.side === 'buy' ? 0 : bar.spread * point;
  // A buy's SL and a sell's TP are reached from above; the other two from below.
  const fromAbove = position.side === 'buy' ? position.sl : position.tp;
  const fromBelow = position.side === 'buy' ? position.tp : position.sl;
  return (
    (fromAbove !== null && bar.low + shift - point <= fromAbove) ||
    (fromBelow !== null && bar.high + shift + point >= fromBelow)
  );
}

/**
 * The first millisecond in [fromMs, close] at which the level is reached. The path is monotonic between
 * vertices, so a segment whose start has not reached a level reaches it if and only if its end
 * does, and from some millisecond on: a binary search finds it in ~15 quotes.
 */
function firstReach(
  bar: Bar,
  fromMs: number,
  side: Side,
  level: number,
  direction: number,
  point: number,
): number | null {
  if (reached(bar, fromMs, side, level, direction, point)) return fromMs;
  let before = fromMs;
  for (const vertex of VERTEX_MS) {
    if (vertex <= fromMs) continue;
    if (reached(bar, vertex, side, level, direction, point)) {
      let after = vertex;
      while (after - before > 1) {
        const middle = Math.floor((before + after) / 2);
        if (reached(bar, middle, side, level, direction, point)) after = middle;
        else before = middle;
      }
      return after;
    }
    before = vertex;
  }
  return null;
}
