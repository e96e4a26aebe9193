// The paper trade server's three requests (place order, close position, modify SL/TP) on a PaperState in memory.
import { roundToStep } from '../../trading/rounding.ts';
import type { MarketOrderRequest, TradeResult } from '../port.ts';
import { RETCODE } from '../retcodes.ts';
import { closeVolume, fillPrice, openPosition, recordOrder } from './fills.ts';
import { opposite, type PaperMarket } from './market.ts';
import { commissionCents } from './money.ts';
import { nettingFill } from './netting.ts';
import { type PaperState, takeTicket } from './state.ts';
import {
  marketCheck,
  missingPosition,
  roundLevel,
  STEP_TOLERANCE,
  tradeResult,
  validStops,
  validVolume,
} from './validation.ts';
import { equityCents, positionMarginCents, resultingMarginCents, totalMarginCents } from './valuation.ts';

export function placeOrder(
  state: PaperState,
  market: PaperMarket,
  request: MarketOrderRequest,
  now: number,
): TradeResult {
  const checked = marketCheck(market, request.symbol, now);
  if (typeof checked === 'number') return tradeResult(checked, request.comment);
  const { instrument, quote } = checked;
  if (!validVolume(instrument, request.volume)) return tradeResult(RETCODE.INVALID_VOLUME, request.comment);
  const volume = roundToStep(request.volume, instrument.volumeStep);

  const price = fillPrice(state, market, instrument, request.side, quote);
  const offPoints = Math.abs(Math.round((price - request.price) / instrument.point));
  if (offPoints > request.deviationPoints) return tradeResult(RETCODE.REQUOTE, request.comment);

  const sl = roundLevel(instrument, request.sl);
  const tp = roundLevel(instrument, request.tp);
  const existing = state.mode === 'netting' ? state.positions.find((p) => p.symbol === request.symbol) : undefined;
  const resultingSide =
    existing === undefined || existing.side === request.side || request.volume > existing.volume
      ? request.side
      : existing.side;
  const keepsPosition = existing !== undefined && resultingSide === existing.side && existing.side !== request.side;
  if (!keepsPosition && !validStops(instrument, resultingSide, sl, tp, quote)) {
    return tradeResult(RETCODE.INVALID_STOPS, request.comment);
  }

  const marginBefore = totalMarginCents(state, market);
  const marginAfter =
    marginBefore -
    (existing === undefined ? 0 : positionMarginCents(market, existing, state.leverage)) +
    resultingMarginCents(market, instrument, existing, request.side, volume, price, state.leverage);
  const freeAfter = equityCents(state, market, now) + commissionCents(market.commissionPerLot, volume) - marginAfter;
  if (marginAfter > marginBefore && freeAfter < 0) return tradeResult(RETCODE.NO_MONEY, request.comment);

  const order = takeTicket(state);
  const positionId = existing?.ticket ?? order;
  recordOrder(state, {
    ticket: order,
    symbol: request.symbol,
    side: request.side,
    volume,
    price,
    positionId,
    magic: request.magic,
    comment: request.comment,
    time: now,
  });
  const deal =
    existing === undefined
      ? openPosition(state, market, {
          ticket: order,
          symbol: request.symbol,
          side: request.side,
          volume,
          priceOpen: price,
          sl,
          tp,
          magic: request.magic,
          comment: request.comment,
          timeOpen: now,
          checkedUntil: now,
        })
      : nettingFill(state, market, instrument, existing, {
          order,
          side: request.side,
          volume,
          price,
          sl,
          tp,
          magic: request.magic,
          comment: request.comment,
          time: now,
        });
  return tradeResult(RETCODE.DONE, request.comment, { order, deal: deal.ticket, volume, price });
}

export function closePosition(
  state: PaperState,
  market: PaperMarket,
  ticket: string,
  volume: number | undefined,
  comment: string,
  now: number,
): TradeResult {
  const position = state.positions.find((p) => p.ticket === ticket);
  if (position === undefined) return missingPosition(state, ticket, comment);
  const checked = marketCheck(market, position.symbol, now);
  if (typeof checked === 'number') return tradeResult(checked, comment);
  const { instrument, quote } = checked;
  const closing = volume ?? position.volume;
  if (!validVolume(instrument, closing)) return tradeResult(RETCODE.INVALID_VOLUME, comment);
  if (closing > position.volume + STEP_TOLERANCE) return tradeResult(RETCODE.INVALID_CLOSE_VOLUME, comment);
  const closeVolumeRounded = roundToStep(closing, instrument.volumeStep);
  const side = opposite(position.side);
  const price = fillPrice(state, market, instrument, side, quote);
  const order = takeTicket(state);
  recordOrder(state, {
    ticket: order,
    symbol: position.symbol,
    side,
    volume: closeVolumeRounded,
    price,
    positionId: position.ticket,
    magic: position.magic,
    comment,
    time: now,
  });
  const deal = closeVolume(state, market, instrument, position, {
    order,
    volume: closeVolumeRounded,
    price,
    reason: 'client',
    magic: position.magic,
    comment,
    time: now,
  });
  return tradeResult(RETCODE.DONE, comment, { order, deal: deal.ticket, volume: closeVolumeRounded, price });
}

export function modifyPosition(
  state: PaperState,
  market: PaperMarket,
  ticket: string,
  sl: number | null,
  tp: number | null,
  now: number,
): TradeResult {
  const position = state.positions.find((p) => p.ticket === ticket);
  if (position === undefined) return missingPosition(state, ticket, '');
  const checked = marketCheck(market, position.symbol, now);
  if (typeof checked === 'number') return tradeResult(checked, position.comment);
  const { instrument, quote } = checked;
  const newSl = roundLevel(instrument, sl);
  const newTp = roundLevel(instrument, tp);
  if (newSl === position.sl && newTp === position.tp) return tradeResult(RETCODE.NO_CHANGES, position.comment);
  if (!validStops(instrument, position.side, newSl, newTp, quote))
    return tradeResult(RETCODE.INVALID_STOPS, position.comment);
  // New levels apply from the next millisecond: settleStops has just checked the old ones up to now.
  position.sl = newSl;
  position.tp = newTp;
  return tradeResult(RETCODE.DONE, position.comment, { volume: position.volume });
}
