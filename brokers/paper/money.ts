// Profit, margin and commission in integer cents of the account currency (USD-quoted symbols).
// Price differences are taken in whole points first, so float noise never reaches the balance.
import type { InstrumentSpec } from '../../trading/market.ts';
import type { Side } from '../port.ts';
import { requiredMargin } from '../../trading/margin.ts';

export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

export function fromCents(cents: number): number {
  return cents / 100;
}

/** Profit of `volume` lots opened at `priceOpen` and closed at `priceClose`. */
export function profitCents(
  instrument: InstrumentSpec,
  side: Side,
  volume: number,
  priceOpen: number,
  priceClose: number,
): number {
  const points = Math.round((priceClose - priceOpen) / instrument.point);
  const pointValue = (instrument.tickValue * instrument.point) / instrument.tickSize;
  return toCents((side === 'buy' ? points : -points) * pointValue * volume);
}

/**
 * Margin held by `volume` lots at `price`: the margin the engine's risk check counts (notional ×
 * margin rate, 1 / leverage when the spec has none, as a spec cached from a real broker may not).
 */
export function marginCents(instrument: InstrumentSpec, volume: number, price: number, leverage: number): number {
  return toCents(requiredMargin(volume, price, instrument, leverage));
}

/** Commission charged on one deal (per side), negative as MT5 books it. */
export function commissionCents(commissionPerLot: number, volume: number): number {
  return -toCents(commissionPerLot * volume);
}
