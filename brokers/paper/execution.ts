// The paper broker's trade server: MT5 request checks with their real retcodes, fills, deals,
// hedging and netting positions, balance and margin. Everything here works on a PaperState in
// memory; the caller loads and saves it around each call.
import type { Bar, InstrumentSpec } from '../../trading/market.ts';
import { roundToStep } from '../../trading/rounding.ts';
import type { MarketFeed } from '../feeds/feed.ts';
import { MINUTE_MS, minuteOpenTime } from '../feeds/feed.ts';
import type {
  AccountInfo,
  BrokerDeal,
  BrokerPosition,
  DealReason,
  MarketOrderRequest,
  Quote,
  Side,
  TradeResult,
} from '../port.ts';
import { outcomeOf, RETCODE, retcodeName } from '../retcodes.ts';
import { drawUnit } from './draws.ts';
import { commissionCents, fromCents, marginCents, profitCents } from './money.ts';
import type { TradingSession } from './session.ts';
import { type PaperPosition, type PaperState, takeTicket } from './state.ts';
import { findStopExit, type StopExit, type StopsPriority } from './stops.ts';

export interface SlippageOptions {
  /** Adverse slippage on every fill, in points. */
  points: number;
  /** Extra adverse slippage drawn (seeded) uniformly from 0..jitterPoints on every fill. */
  jitterPoints: number;
}

/** The market the paper trade server runs in: configuration, not state. */
export interface PaperMarket {
  feed: MarketFeed;
  instruments: ReadonlyMap<string, InstrumentSpec>;
  session: TradingSession;
  slippage: SlippageOptions;
  /** Commission per lot per deal (each side), in account currency. */
  commissionPerLot: number;
  stopsPriority: StopsPriority;
  seed: number;
}

/** Volume-step tolerance: a volume off the grid by more than this is 10014. */
const STEP_TOLERANCE = 1e-7;

export function tradeResult(retcode: number, comment: string, fields: Partial<TradeResult> = {}): TradeResult {
  return {
    retcode,
    retcodeName: retcodeName(retcode),
    outcome: outcomeOf(retcode),
    order: null,
    deal: null,
    volume: 0,
    price: null,
    comment,
    ...fields,
  };
}

function opposite(side: Side): Side {
  return side === 'buy' ? 'sell' : 'buy';
}

/** A position closes on the other side of the book: a buy at Bid, a sell at Ask. */
function closingPrice(side: Side, quote: Quote): number {
  return side === 'buy' ? quote.bid : quote.ask;
}

function validVolume(instrument: InstrumentSpec, volume: number): boolean {
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
function validStops(
  instrument: InstrumentSpec,
  side: Side,
  sl: number | null,
  tp: number | null,
  quote: Quote,
): boolean {
  const reference = closingPrice(side, quote);
  const minimum = Math.max(instrument.stopsLevel, 1);
  const pointsAbove = (level: number): number => Math.round((level - reference) / instrument.point);
  const direction = side === 'buy' ? 1 : -1;
  const slOk = sl === null || -direction * pointsAbove(sl) >= minimum;
  const tpOk = tp === null || direction * pointsAbove(tp) >= minimum;
  return slOk && tpOk;
}

function roundLevel(instrument: InstrumentSpec, level: number | null): number | null {
  return level === null || level === 0 ? null : roundToStep(level, instrument.tickSize);
}

/** The fill price with adverse slippage: buys pay more, sells get less. */
function fillPrice(
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

function recordDeal(
  state: PaperState,
  deal: Omit<BrokerDeal, 'ticket' | 'swap' | 'commission' | 'profit'> & {
    profitCents: number;
    commissionCents: number;
  },
): BrokerDeal {
  const { profitCents: profit, commissionCents: commission, ...rest } = deal;
  const booked: BrokerDeal = {
    ...rest,
    ticket: takeTicket(state),
    commission: fromCents(commission),
    swap: 0,
    profit: fromCents(profit),
  };
  state.balanceCents += profit + commission;
  state.deals.push(booked);
  return booked;
}

function recordOrder(
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

interface CloseFill {
  order: string;
  volume: number;
  price: number;
  reason: DealReason;
  magic: number;
  comment: string;
  time: number;
}

/** Books an OUT deal for `fill.volume` lots of `position` and shrinks or removes it. */
function closeVolume(
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

/**
 * Walks every open position through the bars closed since it was last checked and closes the
 * ones whose SL or TP was hit, as MT5 would have done while nobody was looking.
 */
export function settleStops(state: PaperState, market: PaperMarket, now: number): void {
  const formingMinute = minuteOpenTime(now);
  for (const position of [...state.positions]) {
    const instrument = market.instruments.get(position.symbol);
    const hasStops = position.sl !== null || position.tp !== null;
    if (instrument !== undefined && hasStops && position.checkedUntil < formingMinute) {
      const bars = market.feed.barsBetween(position.symbol, minuteOpenTime(position.checkedUntil), formingMinute);
      const hit = firstStopExit(bars, position, instrument, market.stopsPriority);
      if (hit !== null) {
        closeAtStop(state, market, instrument, position, hit.exit, hit.time);
        continue;
      }
    }
    position.checkedUntil = Math.max(position.checkedUntil, formingMinute);
  }
}

function firstStopExit(
  bars: Bar[],
  position: PaperPosition,
  instrument: InstrumentSpec,
  priority: StopsPriority,
): { exit: StopExit; time: number } | null {
  for (const bar of bars) {
    const fromFraction = Math.max(0, (position.checkedUntil - bar.openTime) / MINUTE_MS);
    const exit = findStopExit(bar, fromFraction, position, instrument.point, priority);
    if (exit !== null) return { exit, time: bar.openTime + Math.round(exit.fraction * MINUTE_MS) };
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
    ...fill,
    ticket: order,
    symbol: position.symbol,
    side: opposite(position.side),
    positionId: position.ticket,
  });
  closeVolume(state, market, instrument, position, fill);
}

function floatingCents(
  market: PaperMarket,
  position: PaperPosition,
  now: number,
): { cents: number; priceCurrent: number } {
  const instrument = market.instruments.get(position.symbol);
  const quote = market.feed.quote(position.symbol, now);
  if (instrument === undefined || quote === null) return { cents: 0, priceCurrent: position.priceOpen };
  const priceCurrent = closingPrice(position.side, quote);
  return {
    cents: profitCents(instrument, position.side, position.volume, position.priceOpen, priceCurrent),
    priceCurrent,
  };
}

function positionMarginCents(
  market: PaperMarket,
  position: Pick<PaperPosition, 'symbol' | 'volume' | 'priceOpen'>,
): number {
  const instrument = market.instruments.get(position.symbol);
  return instrument === undefined ? 0 : marginCents(instrument, position.volume, position.priceOpen);
}

function equityCents(state: PaperState, market: PaperMarket, now: number): number {
  return state.positions.reduce((sum, p) => sum + floatingCents(market, p, now).cents, state.balanceCents);
}

function totalMarginCents(state: PaperState, market: PaperMarket): number {
  return state.positions.reduce((sum, p) => sum + positionMarginCents(market, p), 0);
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

/** Rejections shared by every trade request: unknown symbol, closed market, no price. */
function marketCheck(
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
    (existing === undefined ? 0 : positionMarginCents(market, existing)) +
    resultingMarginCents(market, instrument, existing, request.side, volume, price);
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

/** Margin of the position a netting order leaves behind (or of the new hedging position). */
function resultingMarginCents(
  market: PaperMarket,
  instrument: InstrumentSpec,
  existing: PaperPosition | undefined,
  side: Side,
  volume: number,
  price: number,
): number {
  if (existing === undefined) return marginCents(instrument, volume, price);
  if (existing.side === side) return positionMarginCents(market, existing) + marginCents(instrument, volume, price);
  const net = roundToStep(volume - existing.volume, instrument.volumeStep);
  if (net > 0) return marginCents(instrument, net, price);
  return positionMarginCents(market, { ...existing, volume: -net });
}

function openPosition(state: PaperState, market: PaperMarket, position: PaperPosition): BrokerDeal {
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

interface NettingOrder {
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
function nettingFill(
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

/** A ticket that is not open: 10036 if it was a position that has been closed, else 10013. */
function missingPosition(state: PaperState, ticket: string, comment: string): TradeResult {
  const wasPosition = state.deals.some((deal) => deal.positionId === ticket);
  return tradeResult(wasPosition ? RETCODE.POSITION_CLOSED : RETCODE.INVALID, comment);
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
  position.sl = newSl;
  position.tp = newTp;
  // New levels apply from now on: the part of the minute before the change cannot hit them.
  position.checkedUntil = Math.max(position.checkedUntil, now);
  return tradeResult(RETCODE.DONE, position.comment, { volume: position.volume });
}
