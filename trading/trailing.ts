// Trailing stop: the stop follows the price at a fixed distance, only ever towards profit,
// and only once it can lock in at least the open price (MetaTrader's classic rule).
import type { InstrumentSpec, Quote, TradeSide } from './market.ts';
import { pointsToPrice, roundPriceDown, roundPriceUp } from './rounding.ts';

export interface TrailedPosition {
  side: TradeSide;
  openPrice: number;
  stopLoss: number | null;
  takeProfit: number | null;
}

/**
 * The new stop-loss, or null when it should stay: the trail would not improve it, the
 * position is not yet far enough in profit, or the broker's freeze level forbids changes.
 * The new stop is kept at least stopsLevel points from the closing price.
 */
export function trailingStop(
  position: TrailedPosition,
  quote: Quote,
  trailingDistancePrice: number,
  instrument: Pick<InstrumentSpec, 'tickSize' | 'point' | 'stopsLevel' | 'freezeLevel'>,
): number | null {
  if (!(trailingDistancePrice > 0)) return null;
  const buy = position.side === 'buy';
  // A buy closes at the bid, a sell at the ask: that is the price SL/TP are measured from.
  const closePrice = buy ? quote.bid : quote.ask;
  const towardsProfit = buy ? 1 : -1;

  if (instrument.freezeLevel > 0) {
    const freeze = pointsToPrice(instrument.freezeLevel, instrument);
    const frozen = (level: number | null): boolean => level !== null && Math.abs(closePrice - level) <= freeze;
    if (frozen(position.stopLoss) || frozen(position.takeProfit)) return null;
  }

  const distance = Math.max(trailingDistancePrice, pointsToPrice(instrument.stopsLevel, instrument));
  // Rounded away from the price, so the stop stays at least `distance` away.
  const candidate = buy
    ? roundPriceDown(closePrice - distance, instrument)
    : roundPriceUp(closePrice + distance, instrument);
  if (towardsProfit * (candidate - position.openPrice) <= 0) return null;
  if (position.stopLoss !== null && towardsProfit * (candidate - position.stopLoss) <= 0) return null;
  return candidate;
}
