// Netting fills: an order on a netting account adds to, reduces, closes or reverses the symbol's one position.
import type { InstrumentSpec } from '../../trading/market.ts';
import { roundToStep } from '../../trading/rounding.ts';
import type { BrokerDeal, Side } from '../port.ts';
import { closeVolume, recordDeal } from './fills.ts';
import type { PaperMarket } from './market.ts';
import { commissionCents, profitCents } from './money.ts';
import type { PaperPosition, PaperState } from './state.ts';

export interface NettingOrder {
  order: string;
  side: Side;
  volume: number;
  price: number;
  sl: number | null;
  tp: number | null;
  magic: number;
  comment: string;
  time: number;
}

/**
 * A netting account holds one position per symbol: an order the same way adds to it (volume-
 * weighted open price), the other way reduces, closes or reverses it (one IN/OUT deal).
 */
export function nettingFill(
  state: PaperState,
  market: PaperMarket,
  instrument: InstrumentSpec,
  position: PaperPosition,
  fill: NettingOrder,
): BrokerDeal {
  const common = {
    order: fill.order,
    positionId: position.ticket,
    symbol: position.symbol,
    side: fill.side,
    price: fill.price,
    magic: fill.magic,
    comment: fill.comment,
    time: fill.time,
    reason: 'client' as const,
  };
  if (fill.side === position.side) {
    const volume = roundToStep(position.volume + fill.volume, instrument.volumeStep);
    position.priceOpen = roundToStep(
      (position.priceOpen * position.volume + fill.price * fill.volume) / volume,
      instrument.tickSize,
    );
    position.volume = volume;
    if (fill.sl !== null) position.sl = fill.sl;
    if (fill.tp !== null) position.tp = fill.tp;
    return recordDeal(state, {
      ...common,
      entry: 'in',
      volume: fill.volume,
      commissionCents: commissionCents(market.commissionPerLot, fill.volume),
      profitCents: 0,
    });
  }
  if (fill.volume <= position.volume) {
    return closeVolume(state, market, instrument, position, {
      order: fill.order,
      volume: fill.volume,
      price: fill.price,
      reason: 'client',
      magic: fill.magic,
      comment: fill.comment,
      time: fill.time,
    });
  }
  const closedProfit = profitCents(instrument, position.side, position.volume, position.priceOpen, fill.price);
  position.side = fill.side;
  position.volume = roundToStep(fill.volume - position.volume, instrument.volumeStep);
  position.priceOpen = fill.price;
  position.sl = fill.sl;
  position.tp = fill.tp;
  position.timeOpen = fill.time;
  position.checkedUntil = fill.time;
  return recordDeal(state, {
    ...common,
    entry: 'inout',
    volume: fill.volume,
    commissionCents: commissionCents(market.commissionPerLot, fill.volume),
    profitCents: closedProfit,
  });
}
