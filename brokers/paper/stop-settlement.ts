// Stop settlement: closes positions whose SL or TP was hit since they were last checked, up to
// the current millisecond of the forming minute, before any request looks at or acts on them.
import type { Bar, InstrumentSpec } from '../../trading/market.ts';
import { type MarketFeed, minuteOpenTime } from '../feeds/feed.ts';
import { closeVolume, recordOrder } from './fills.ts';
import { opposite, type PaperMarket } from './market.ts';
import { type PaperPosition, type PaperState, takeTicket } from './state.ts';
import { findStopExit, type StopExit } from './stops.ts';

/**
 * Returns how many positions it closed: none means only `checkedUntil` moved, which a reader may
 * leave unsaved (the next call walks the same path again and finds the same nothing).
 *
 * Walks every open position along the prices after `checkedUntil` up to and including `now` —
 * closed bars and the forming one alike — and closes the ones whose SL or TP was hit, at the
 * time it was hit, as MT5 would have done while nobody was looking. The survivors are checked
 * up to `now`, so the next call starts right after it and new levels apply from then on.
 */
export function settleStops(state: PaperState, market: PaperMarket, now: number): number {
  let closed = 0;
  const paths = new PathBars(market.feed, now);
  for (const position of [...state.positions]) {
    const instrument = market.instruments.get(position.symbol);
    const hasStops = position.sl !== null || position.tp !== null;
    if (instrument !== undefined && hasStops && position.checkedUntil < now) {
      const hit = firstStopExit(paths, market, instrument, position, now);
      if (hit !== null) {
        closeAtStop(state, market, instrument, position, hit.exit, hit.time);
        closed += 1;
        continue;
      }
    }
    position.checkedUntil = Math.max(position.checkedUntil, now);
  }
  return closed;
}

/**
 * A symbol's bars from a minute up to `now`, fetched once for all the positions last checked in
 * that minute (usually all of them: at the previous call).
 */
class PathBars {
  readonly #feed: MarketFeed;
  readonly #now: number;
  #symbol = '';
  #from = Number.NaN;
  #bars: readonly Bar[] = [];

  constructor(feed: MarketFeed, now: number) {
    this.#feed = feed;
    this.#now = now;
  }

  from(symbol: string, from: number): readonly Bar[] {
    if (symbol !== this.#symbol || from !== this.#from) {
      this.#bars = this.#feed.barsBetween(symbol, from, this.#now + 1);
      this.#symbol = symbol;
      this.#from = from;
    }
    return this.#bars;
  }
}

function firstStopExit(
  paths: PathBars,
  market: PaperMarket,
  instrument: InstrumentSpec,
  position: PaperPosition,
  now: number,
): { exit: StopExit; time: number } | null {
  const from = position.checkedUntil + 1;
  // From the bar holding `checkedUntil`: its close may still be unchecked (it shares its time with the next open).
  for (const bar of paths.from(position.symbol, minuteOpenTime(position.checkedUntil))) {
    const exit = findStopExit(bar, Math.max(0, from - bar.openTime), position, instrument.point, market.stopsPriority);
    // In the forming bar, only what happened by `now` counts; the rest is checked by a later call.
    if (exit !== null && bar.openTime + exit.offsetMs <= now) return { exit, time: bar.openTime + exit.offsetMs };
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
    ticket: order,
    symbol: position.symbol,
    side: opposite(position.side),
    volume: fill.volume,
    price: fill.price,
    positionId: position.ticket,
    magic: fill.magic,
    comment,
    time,
  });
  closeVolume(state, market, instrument, position, fill);
}
