// Account valuation: floating P&L at the current quote, equity, margin, and the account and position views.
import type { InstrumentSpec } from '../../trading/market.ts';
import { roundToStep } from '../../trading/rounding.ts';
import { askOf } from '../feeds/intrabar.ts';
import type { AccountInfo, BrokerPosition, Side } from '../port.ts';
import type { PaperMarket } from './market.ts';
import { closingPriceOf } from '../../trading/sizing.ts';
import { fromCents, marginCents, profitCents } from './money.ts';
import type { PaperPosition, PaperState } from './state.ts';

/**
 * The quote a position is valued at: the current one, or in a minute without prices (a thin minute,
 * a weekend of a replayed export) the last known, the close of the last bar before `now`, as MT5
 * keeps showing it. Only a symbol with no price yet values at the open price.
 */
function valuationQuote(market: PaperMarket, instrument: InstrumentSpec, symbol: string, now: number) {
  const quote = market.feed.quote(symbol, now);
  if (quote !== null) return quote;
  const [last] = market.feed.closedBars(symbol, 1, now);
  if (last === undefined) return null;
  return { bid: last.close, ask: askOf(last.close, last, instrument.point) };
}

function floatingCents(
  market: PaperMarket,
  position: PaperPosition,
  now: number,
): { cents: number; priceCurrent: number } {
  const instrument = market.instruments.get(position.symbol);
  const quote = instrument === undefined ? null : valuationQuote(market, instrument, position.symbol, now);
  if (instrument === undefined || quote === null) return { cents: 0, priceCurrent: position.priceOpen };
  const priceCurrent = closingPriceOf(position.side, quote);
  return {
    cents: profitCents(instrument, position.side, position.volume, position.priceOpen, priceCurrent),
    priceCurrent,
  };
}

export function positionMarginCents(
  market: PaperMarket,
  position: Pick<PaperPosition, 'symbol' | 'volume' | 'priceOpen'>,
  leverage: number,
): number {
  const instrument = market.instruments.get(position.symbol);
  return instrument === undefined ? 0 : marginCents(instrument, position.volume, position.priceOpen, leverage);
}

export function equityCents(state: PaperState, market: PaperMarket, now: number): number {
  let equity = state.balanceCents;
  for (const position of state.positions) equity += floatingCents(market, position, now).cents;
  return equity;
}

export function totalMarginCents(state: PaperState, market: PaperMarket): number {
  let margin = 0;
  for (const position of state.positions) margin += positionMarginCents(market, position, state.leverage);
  return margin;
}

/** Margin of the position a netting order leaves behind (or of the new hedging position). */
export function resultingMarginCents(
  market: PaperMarket,
  instrument: InstrumentSpec,
  existing: PaperPosition | undefined,
  side: Side,
  volume: number,
  price: number,
  leverage: number,
): number {
  if (existing === undefined) return marginCents(instrument, volume, price, leverage);
  if (existing.side === side)
    return positionMarginCents(market, existing, leverage) + marginCents(instrument, volume, price, leverage);
  const net = roundToStep(volume - existing.volume, instrument.volumeStep);
  if (net > 0) return marginCents(instrument, net, price, leverage);
  return positionMarginCents(market, { ...existing, volume: -net }, leverage);
}

export function accountInfo(state: PaperState, market: PaperMarket, now: number): AccountInfo {
  const equity = equityCents(state, market, now);
  const margin = totalMarginCents(state, market);
  return {
    login: state.login,
    currency: state.currency,
    leverage: state.leverage,
    mode: state.mode,
    balance: fromCents(state.balanceCents),
    equity: fromCents(equity),
    margin: fromCents(margin),
    freeMargin: fromCents(equity - margin),
    tradeMode: 'demo',
  };
}

export function positionViews(state: PaperState, market: PaperMarket, now: number): BrokerPosition[] {
  return state.positions.map((position) => {
    const floating = floatingCents(market, position, now);
    return {
      ticket: position.ticket,
      symbol: position.symbol,
      side: position.side,
      volume: position.volume,
      priceOpen: position.priceOpen,
      priceCurrent: floating.priceCurrent,
      sl: position.sl,
      tp: position.tp,
      profit: fromCents(floating.cents),
      swap: 0,
      magic: position.magic,
      comment: position.comment,
      timeOpen: position.timeOpen,
    };
  });
}
