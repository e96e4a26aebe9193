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

/**
 * An open decided but not yet known to have filled or failed (its order unsettled, or not written
 * yet): another bot's on the account, or this bot's from an earlier cycle.
 */
export interface PendingOpen extends HeldAtStop {
  /** The price it would close at now (lossAtStop); its own price where no quote of its symbol is at hand. */
  priceNow: number;
  instrument: Pick<InstrumentSpec, 'tickSize' | 'tickValue' | 'commissionPerLot'>;
}

/**
 * What `open` adds to the account's day: its loss at its stop and its opening commission. Not yet
 * at the broker, it is in neither the balance nor the deals, so it counts with what is still to
 * come and leaves the day's realised P&L (and the opening balance the limit is a share of) as the
 * broker has it.
 */
export function pendingOpenLoss(open: PendingOpen): number {
  return lossAtStop(open, open.priceNow, open.instrument) + open.instrument.commissionPerLot * open.volume;
}
