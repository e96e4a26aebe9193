// Where a position's SL or TP is hit inside one closed bar. The bar is walked along MT5's
// OHLC path (bull: O→L→H→C, bear: O→H→L→C) from the point the position was last checked:
// a level the price already sits beyond at that point (a gap) fills there, at the open;
// otherwise the first level the path crosses fills at its own price.
import type { Bar } from '../../trading/market.ts';
import { roundToStep } from '../../trading/rounding.ts';
import { ohlcPath, priceOnPath } from '../feeds/intrabar.ts';
import type { Side } from '../port.ts';

export type StopsPriority = 'ohlc_path' | 'sl_first';

export interface StopLevels {
  side: Side;
  sl: number | null;
  tp: number | null;
}

export interface StopExit {
  reason: 'sl' | 'tp';
  /** Fill price on the closing side: Bid for a buy position, Ask for a sell position. */
  price: number;
  /** Fraction of the minute at which it happened. */
  fraction: number;
}

const PATH_FRACTIONS = [0, 1 / 3, 2 / 3, 1] as const;

/**
 * Checks `bar` from `fromFraction` of its minute. Bars are Bid; a sell position closes at
 * Ask = Bid + spread × point, so its levels are compared with the Bid path shifted by the spread.
 */
export function findStopExit(
  bar: Bar,
  fromFraction: number,
  position: StopLevels,
  point: number,
  priority: StopsPriority,
): StopExit | null {
  const shift = position.side === 'sell' ? bar.spread * point : 0;
  const toClosePrice = (bid: number): number => roundToStep(bid + shift, point);
  // Levels on the Bid path: `below` fires when the Bid falls to it, `above` when it rises to it.
  const bidLevel = (level: number | null): number | null => (level === null ? null : level - shift);
  const below = {
    reason: position.side === 'buy' ? 'sl' : 'tp',
    level: bidLevel(position.side === 'buy' ? position.sl : position.tp),
  } as const;
  const above = {
    reason: position.side === 'buy' ? 'tp' : 'sl',
    level: bidLevel(position.side === 'buy' ? position.tp : position.sl),
  } as const;

  const path = ohlcPath(bar);
  const points: Array<{ price: number; fraction: number }> = [
    { price: priceOnPath(bar, fromFraction), fraction: fromFraction },
  ];
  PATH_FRACTIONS.forEach((fraction, i) => {
    if (fraction > fromFraction) points.push({ price: path[i] as number, fraction });
  });

  const start = points[0] as { price: number; fraction: number };
  let exit: StopExit | null = null;
  if (below.level !== null && start.price <= below.level) {
    exit = { reason: below.reason, price: toClosePrice(start.price), fraction: start.fraction };
  } else if (above.level !== null && start.price >= above.level) {
    exit = { reason: above.reason, price: toClosePrice(start.price), fraction: start.fraction };
  }
  if (exit !== null) return exit;

  for (let i = 1; i < points.length && exit === null; i++) {
    const from = points[i - 1] as { price: number; fraction: number };
    const to = points[i] as { price: number; fraction: number };
    const crossed =
      to.price < from.price && below.level !== null && to.price <= below.level
        ? { ...below, level: below.level }
        : to.price > from.price && above.level !== null && to.price >= above.level
          ? { ...above, level: above.level }
          : null;
    if (crossed !== null) {
      const share = (crossed.level - from.price) / (to.price - from.price);
      exit = {
        reason: crossed.reason,
        price: toClosePrice(crossed.level),
        fraction: from.fraction + share * (to.fraction - from.fraction),
      };
    }
  }

  if (exit?.reason === 'tp' && priority === 'sl_first') {
    const slOnBid = position.side === 'buy' ? below.level : above.level;
    const prices = points.map((p) => p.price);
    const slTouched =
      slOnBid !== null && (position.side === 'buy' ? Math.min(...prices) <= slOnBid : Math.max(...prices) >= slOnBid);
    if (slTouched) return { reason: 'sl', price: toClosePrice(slOnBid), fraction: exit.fraction };
  }
  return exit;
}
