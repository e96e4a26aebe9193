// Stop settlement: closes positions whose SL or TP was hit on the bars closed since they were last checked.
import type { Bar, InstrumentSpec } from '../../trading/market.ts';
import { MINUTE_MS, minuteOpenTime } from '../feeds/feed.ts';
import { closeVolume, recordOrder } from './fills.ts';
import { opposite, type PaperMarket } from './market.ts';
import { type PaperPosition, type PaperState, takeTicket } from './state.ts';
import { findStopExit, type StopExit, type StopsPriority } from './stops.ts';

/**
 * Walks every open position through the bars closed since it was last checked and closes the
 * ones whose SL or TP was hit, as MT5 would have done while nobody was looking.
 */
export function settleStops(state: PaperState, market: PaperMarket, now: number): void {
  const formingMinute = minuteOpenTime(now);
  for (const position of [...state.positions]) {
    const instrument = market.instruments.get(position.symbol);
    const hasStops = position.sl !== null || position.tp !== null;
    if (instrument !== undefined && hasStops && position.checkedUntil < formingMinute) {
      const bars = market.feed.barsBetween(position.symbol, minuteOpenTime(position.checkedUntil), formingMinute);
      const hit = firstStopExit(bars, position, instrument, market.stopsPriority);
      if (hit !== null) {
        closeAtStop(state, market, instrument, position, hit.exit, hit.time);
        continue;
      }
    }
    position.checkedUntil = Math.max(position.checkedUntil, formingMinute);
  }
}

function firstStopExit(
  bars: Bar[],
  position: PaperPosition,
  instrument: InstrumentSpec,
  priority: StopsPriority,
): { exit: StopExit; time: number } | null {
  for (const bar of bars) {
    const fromFraction = Math.max(0, (position.checkedUntil - bar.openTime) / MINUTE_MS);
    const exit = findStopExit(bar, fromFraction, position, instrument.point, priority);
    if (exit !== null) return { exit, time: bar.openTime + Math.round(exit.fraction * MINUTE_MS) };
  }
  return null;
}

/** MT5 books a stop-out as its own order and OUT deal, commented "[sl 1999.00]" / "[tp …]". */
function closeAtStop(
  state: PaperState,
  market: PaperMarket,
  instrument: InstrumentSpec,
  position: PaperPosition,
  exit: StopExit,
  time: number,
): void {
  const order = takeTicket(state);
  const comment = `[${exit.reason} ${exit.price.toFixed(instrument.digits)}]`;
  const fill = {
    order,
    volume: position.volume,
    price: exit.price,
    reason: exit.reason,
    magic: position.magic,
    comment,
    time,
  };
  recordOrder(state, {
    ...fill,
    ticket: order,
    symbol: position.symbol,
    side: opposite(position.side),
    positionId: position.ticket,
  });
  closeVolume(state, market, instrument, position, fill);
}
