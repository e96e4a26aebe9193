// Fill booking: the slipped fill price, order and deal records, and opening or closing position volume.
import type { InstrumentSpec } from '../../trading/market.ts';
import { roundToStep } from '../../trading/rounding.ts';
import type { BrokerDeal, DealReason, Quote, Side } from '../port.ts';
import { drawUnit } from './draws.ts';
import { opposite, type PaperMarket } from './market.ts';
import { commissionCents, fromCents, profitCents } from './money.ts';
import { type PaperPosition, type PaperState, takeTicket } from './state.ts';

/** The fill price with adverse slippage: buys pay more, sells get less. */
export function fillPrice(
  state: PaperState,
  market: PaperMarket,
  instrument: InstrumentSpec,
  side: Side,
  quote: Quote,
): number {
  const { points, jitterPoints } = market.slippage;
  const jitter = jitterPoints > 0 ? Math.floor(drawUnit(state, market.seed) * (jitterPoints + 1)) : 0;
  const slip = (points + jitter) * instrument.point;
  return roundToStep(side === 'buy' ? quote.ask + slip : quote.bid - slip, instrument.tickSize);
}

export function recordDeal(
  state: PaperState,
  deal: Omit<BrokerDeal, 'ticket' | 'swap' | 'commission' | 'profit'> & {
    profitCents: number;
    commissionCents: number;
  },
): BrokerDeal {
  // Field by field, not spread: a backtest books tens of thousands of deals.
  const booked: BrokerDeal = {
    order: deal.order,
    positionId: deal.positionId,
    symbol: deal.symbol,
    side: deal.side,
    entry: deal.entry,
    reason: deal.reason,
    volume: deal.volume,
    price: deal.price,
    magic: deal.magic,
    comment: deal.comment,
    time: deal.time,
    ticket: takeTicket(state),
    commission: fromCents(deal.commissionCents),
    swap: 0,
    profit: fromCents(deal.profitCents),
  };
  state.balanceCents += deal.profitCents + deal.commissionCents;
  state.deals.push(booked);
  return booked;
}

export function recordOrder(
  state: PaperState,
  order: {
    ticket: string;
    symbol: string;
    side: Side;
    volume: number;
    price: number;
    positionId: string;
    magic: number;
    comment: string;
    time: number;
  },
): void {
  state.orders.push({
    ticket: order.ticket,
    symbol: order.symbol,
    side: order.side,
    volume: order.volume,
    priceOpen: order.price,
    state: 'filled',
    positionId: order.positionId,
    magic: order.magic,
    comment: order.comment,
    timeSetup: order.time,
    timeDone: order.time,
  });
}

export interface CloseFill {
  order: string;
  volume: number;
  price: number;
  reason: DealReason;
  magic: number;
  comment: string;
  time: number;
}

/** Books an OUT deal for `fill.volume` lots of `position` and shrinks or removes it. */
export function closeVolume(
  state: PaperState,
  market: PaperMarket,
  instrument: InstrumentSpec,
  position: PaperPosition,
  fill: CloseFill,
): BrokerDeal {
  const deal = recordDeal(state, {
    order: fill.order,
    positionId: position.ticket,
    symbol: position.symbol,
    side: opposite(position.side),
    entry: 'out',
    reason: fill.reason,
    volume: fill.volume,
    price: fill.price,
    commissionCents: commissionCents(market.commissionPerLot, fill.volume),
    profitCents: profitCents(instrument, position.side, fill.volume, position.priceOpen, fill.price),
    magic: fill.magic,
    comment: fill.comment,
    time: fill.time,
  });
  const remaining = roundToStep(position.volume - fill.volume, instrument.volumeStep);
  if (remaining > 0) position.volume = remaining;
  else state.positions = state.positions.filter((p) => p.ticket !== position.ticket);
  return deal;
}

export function openPosition(state: PaperState, market: PaperMarket, position: PaperPosition): BrokerDeal {
  state.positions.push(position);
  return recordDeal(state, {
    order: position.ticket,
    positionId: position.ticket,
    symbol: position.symbol,
    side: position.side,
    entry: 'in',
    reason: 'client',
    volume: position.volume,
    price: position.priceOpen,
    commissionCents: commissionCents(market.commissionPerLot, position.volume),
    profitCents: 0,
    magic: position.magic,
    comment: position.comment,
    time: position.timeOpen,
  });
}
