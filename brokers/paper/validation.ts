// Trade request checks with MT5's real retcodes, and the TradeResult every request answers with.
import type { InstrumentSpec } from '../../trading/market.ts';
import { roundToStep } from '../../trading/rounding.ts';
import type { Quote, Side, TradeResult } from '../port.ts';
import { outcomeOf, RETCODE, retcodeName } from '../retcodes.ts';
import type { PaperMarket } from './market.ts';
import { closingPriceOf } from '../../trading/sizing.ts';
import type { PaperState } from './state.ts';

/** Volume-step tolerance: a volume off the grid by more than this is 10014. */
export const STEP_TOLERANCE = 1e-7;

export function tradeResult(
  retcode: number,
  comment: string,
  fields: Partial<Pick<TradeResult, 'order' | 'deal' | 'volume' | 'price'>> = {},
): TradeResult {
  return {
    retcode,
    retcodeName: retcodeName(retcode),
    outcome: outcomeOf(retcode),
    order: fields.order ?? null,
    deal: fields.deal ?? null,
    volume: fields.volume ?? 0,
    price: fields.price ?? null,
    comment,
  };
}

export function validVolume(instrument: InstrumentSpec, volume: number): boolean {
  const steps = volume / instrument.volumeStep;
  return (
    Number.isFinite(volume) &&
    Math.abs(steps - Math.round(steps)) <= STEP_TOLERANCE &&
    volume >= instrument.volumeMin - STEP_TOLERANCE &&
    volume <= instrument.volumeMax + STEP_TOLERANCE
  );
}

/**
 * MT5's stops rule: SL/TP must lie on the right side of the price the position would close at,
 * at least `stopsLevel` points away (and never on it).
 */
export function validStops(
  instrument: InstrumentSpec,
  side: Side,
  sl: number | null,
  tp: number | null,
  quote: Quote,
): boolean {
  const reference = closingPriceOf(side, quote);
  const minimum = Math.max(instrument.stopsLevel, 1);
  const pointsAbove = (level: number): number => Math.round((level - reference) / instrument.point);
  const direction = side === 'buy' ? 1 : -1;
  const slOk = sl === null || -direction * pointsAbove(sl) >= minimum;
  const tpOk = tp === null || direction * pointsAbove(tp) >= minimum;
  return slOk && tpOk;
}

export function roundLevel(instrument: InstrumentSpec, level: number | null): number | null {
  return level === null || level === 0 ? null : roundToStep(level, instrument.tickSize);
}

/** Rejections shared by every trade request: unknown symbol, closed market, no price. */
export function marketCheck(
  market: PaperMarket,
  symbol: string,
  now: number,
): { instrument: InstrumentSpec; quote: Quote } | number {
  const instrument = market.instruments.get(symbol);
  if (instrument === undefined) return RETCODE.INVALID;
  if (!market.session(now)) return RETCODE.MARKET_CLOSED;
  const quote = market.feed.quote(symbol, now);
  if (quote === null) return RETCODE.PRICE_OFF;
  return { instrument, quote };
}

/** A ticket that is not open: 10036 if it was a position that has been closed, else 10013. */
export function missingPosition(state: PaperState, ticket: string, comment: string): TradeResult {
  const wasPosition = state.deals.some((deal) => deal.positionId === ticket);
  return tradeResult(wasPosition ? RETCODE.POSITION_CLOSED : RETCODE.INVALID, comment);
}
