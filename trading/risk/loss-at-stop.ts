// What a position loses if it closes at its stop: the bot's and the account's daily loss limits
// count every open position so, as the worst the day can still come to.
import type { InstrumentSpec, TradeSide } from '../market.ts';

export interface HeldAtStop {
  side: TradeSide;
  volume: number;
  openPrice: number;
  /** Null when it has none: it then counts at the price now. */
  stopLoss: number | null;
}

/**
 * The loss, in account currency, of closing `position` at its stop — or at `priceNow`, the price it
 * would close at now, when it has no stop or the price is beyond it already (a gap the broker has
 * not closed it at yet): whole ticks of the instrument, closing commission included; negative
 * where the stop locks in profit.
 */
export function lossAtStop(
  position: HeldAtStop,
  priceNow: number,
  instrument: Pick<InstrumentSpec, 'tickSize' | 'tickValue' | 'commissionPerLot'>,
): number {
  const towardsProfit = position.side === 'buy' ? 1 : -1;
  const { stopLoss } = position;
  const exit = stopLoss === null || towardsProfit * (priceNow - stopLoss) < 0 ? priceNow : stopLoss;
  const ticks = Math.round((towardsProfit * (exit - position.openPrice)) / instrument.tickSize);
  return (-ticks * instrument.tickValue + instrument.commissionPerLot) * position.volume;
}
