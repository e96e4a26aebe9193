// One cycle of the backtested bot, step for step the live cycle's (workflows/scalper-cycle.ts):
// the strategies' signals go through decide() on the same context the live evaluateRisk builds,
// the opens go to the paper broker's own placeOrder, then the automatic kill-switch and the
// trailing stop run as managePositions runs them — on the paper account's state in memory.
import { placeOrder, closePosition, modifyPosition } from '../brokers/paper/trade-requests.ts';
import type { PaperMarket } from '../brokers/paper/market.ts';
import type { PaperState } from '../brokers/paper/state.ts';
import { settleStops } from '../brokers/paper/stop-settlement.ts';
import { accountInfo } from '../brokers/paper/valuation.ts';
import type { BrokerPosition, MarketOrderRequest } from '../brokers/port.ts';
import { killSwitchState } from '../trading/kill-switch.ts';
import type { InstrumentSpec, Quote } from '../trading/market.ts';
import {
  type AccountDay,
  type ClosedLoss,
  lossAtStop,
  decide,
  type DecisionContext,
  type DecisionOutcome,
  lossLookbackMs,
  mustBeFlat,
  type MarketContext,
  type OpenPosition,
  type RiskSettings,
  withOpened,
} from '../trading/risk/index.ts';
import { FRESH_PRICE_TRIES, freshPricePauseMs } from '../trading/orders/index.ts';
import { pipsToPrice } from '../trading/rounding.ts';
import { closingPriceOf } from '../trading/sizing.ts';
import type { StrategySignal } from '../trading/strategies/index.ts';
import { trailingStop } from '../trading/trailing.ts';
import type { TradeBook } from './trade-book.ts';
import type { BacktestJournal } from './types.ts';

/** The magic the backtested bot's orders carry. */
export const BACKTEST_MAGIC = 1;

export interface BacktestAccount {
  state: PaperState;
  market: PaperMarket;
  instrument: InstrumentSpec;
  risk: RiskSettings;
  book: TradeBook;
  journal: BacktestJournal | undefined;
}

export interface DecidedSignal {
  signal: StrategySignal;
  outcome: DecisionOutcome;
}

/** The account's positions as the live context reads them (the paper state's are the broker's view). */
function openPositionsOf(
  account: BacktestAccount,
  positions: readonly Pick<BrokerPosition, 'magic' | 'symbol' | 'side' | 'volume' | 'priceOpen' | 'sl'>[],
): OpenPosition[] {
  return positions.map((p) => ({
    magic: p.magic,
    symbol: p.symbol,
    side: p.side,
    volume: p.volume,
    openPrice: p.priceOpen,
    correlationGroup: account.instrument.correlationGroup,
    stopLoss: p.sl,
  }));
}

/**
 * The latest losing trade closed in the lookback before `now` (stops hit up to `now` are settled
 * first, as the live evaluateRisk reconciles before it decides): the live context reads every such
 * loss, but cooldownAfterLoss, their only reader, looks at the latest alone.
 */
function recentLosses(book: TradeBook, now: number, lookbackMs: number): ClosedLoss[] {
  const latest = book.latestLoss;
  if (latest === null || latest.closeTime < now - lookbackMs) return [];
  return [{ closedAt: latest.closeTime, pnl: latest.pnl }];
}

/** What the live context reads of the account's day (AccountDay), from the paper account's positions. */
function accountDayOf(account: BacktestAccount, realizedPnl: number, quote: Quote): AccountDay {
  let openLossAtStops = 0;
  for (const p of account.state.positions) {
    const held = { side: p.side, volume: p.volume, openPrice: p.priceOpen, stopLoss: p.sl };
    openLossAtStops += lossAtStop(held, closingPriceOf(p.side, quote), account.instrument);
  }
  return { realizedPnl, openLossAtStops };
}

/** Stops hit since the last cycle are booked first: nothing looks at a position already stopped out. */
export function settle(account: BacktestAccount, now: number): void {
  if (account.state.positions.length === 0) return;
  if (settleStops(account.state, account.market, now) > 0) account.book.sync(account.state, 'end_of_test');
}

/**
 * evaluateRisk: one decision per signal on the context taken at `now`, in turn: each that opens
 * counts, for the next, as the position and margin it takes.
 */
export function decideSignals(
  account: BacktestAccount,
  signals: readonly StrategySignal[],
  quote: Quote,
  now: number,
  nextCycleAt: number,
): DecidedSignal[] {
  if (signals.length === 0) return [];
  const { state, market: paper, instrument, risk } = account;
  const info = accountInfo(state, paper, now);
  let market: MarketContext = {
    settings: risk,
    bot: { autoTrade: true, magic: BACKTEST_MAGIC },
    tradingState: { state: 'active', reason: 'active' },
    account: { balance: info.balance, freeMargin: info.freeMargin, leverage: info.leverage, mode: state.mode },
    openPositions: openPositionsOf(account, state.positions),
    instrument,
    quote: { bid: quote.bid, ask: quote.ask },
    now,
    nextCycleAt,
    recentLosses: recentLosses(account.book, now, lossLookbackMs(risk)),
    dayRealizedPnl: account.book.realizedOnDayOf(now),
    accountDay: null,
  };
  // The backtested account holds this bot's trades alone: its day is the bot's.
  if (risk.maxAccountDailyLossPct > 0) market.accountDay = accountDayOf(account, market.dayRealizedPnl, quote);
  // In words only for a journal: the run's own counts read the checks' names and results.
  const options = { explain: account.journal !== undefined };
  const decided: DecidedSignal[] = [];
  for (const signal of signals) {
    // Field by field, not spread: a year decides ~100,000 times.
    const context: DecisionContext = {
      signal,
      settings: market.settings,
      bot: market.bot,
      tradingState: market.tradingState,
      account: market.account,
      openPositions: market.openPositions,
      instrument: market.instrument,
      quote: market.quote,
      now: market.now,
      nextCycleAt: market.nextCycleAt,
      recentLosses: market.recentLosses,
      dayRealizedPnl: market.dayRealizedPnl,
      accountDay: market.accountDay,
    };
    const outcome = decide(context, options);
    decided.push({ signal, outcome });
    account.journal?.decisions.push({ signal, outcome, time: now });
    if (outcome.action === 'open') market = withOpened(market, signal.direction, outcome.volume, outcome.stopLoss);
  }
  return decided;
}

/**
 * The order store's send: a requote executed nothing, and the order goes again at the quote then,
 * a pause later, up to FRESH_PRICE_TRIES sends (none once the feed has no price for the moment).
 */
function sendOpen(account: BacktestAccount, request: MarketOrderRequest, now: number) {
  let sentAt = now;
  let result = placeOrder(account.state, account.market, request, sentAt);
  for (let tries = 1; result.outcome === 'retry_fresh_price' && tries < FRESH_PRICE_TRIES; tries++) {
    sentAt += freshPricePauseMs(tries);
    const fresh = account.market.feed.quote(request.symbol, sentAt);
    if (fresh === null) break;
    request.price = request.side === 'buy' ? fresh.ask : fresh.bid;
    result = placeOrder(account.state, account.market, request, sentAt);
  }
  return { result, sentAt };
}

/** placeOrders: each open decision sent at the current quote, as the order outbox sends it. */
export function placeOpens(account: BacktestAccount, decided: readonly DecidedSignal[], quote: Quote, now: number) {
  const { state, instrument, risk, book } = account;
  let sent = 0;
  let filled = 0;
  for (const { signal, outcome } of decided) {
    if (outcome.action !== 'open' || outcome.stopLoss === null) continue;
    sent++;
    const request: MarketOrderRequest = {
      symbol: instrument.symbol,
      side: signal.direction,
      volume: outcome.volume,
      price: signal.direction === 'buy' ? quote.ask : quote.bid,
      sl: outcome.stopLoss,
      tp: outcome.takeProfit,
      deviationPoints: risk.deviationPoints,
      magic: BACKTEST_MAGIC,
      comment: `bt-${signal.strategy}`,
    };
    const { result, sentAt } = sendOpen(account, request, now);
    account.journal?.orders.push({ signal, request, result, time: sentAt });
    if (result.outcome !== 'success' || result.order === null) continue;
    filled++;
    book.placed(result.order, {
      strategy: signal.strategy,
      stopLoss: outcome.stopLoss,
      takeProfit: outcome.takeProfit,
    });
    book.sync(state, 'netting');
  }
  return { sent, filled };
}

/** Closes every position the bot holds at `now`, for `reason`. */
export function closeAll(
  account: BacktestAccount,
  reason: 'kill_switch' | 'trading_hours' | 'end_of_test',
  now: number,
): void {
  for (const position of [...account.state.positions]) {
    closePosition(account.state, account.market, position.ticket, undefined, reason, now);
  }
  account.book.sync(account.state, reason);
}

/**
 * managePositions: the automatic kill-switch on unrealised loss (close everything; the bot stops),
 * else the close outside the trading hours of a bot that is to be flat then, else the trailing
 * stop. Returns the kill-switch's reason when it tripped.
 */
export function managePositions(account: BacktestAccount, quote: Quote, now: number): string | null {
  const { state, market, instrument, risk } = account;
  if (state.positions.length === 0) return null;
  const positions = state.positions;
  const balance = state.balanceCents / 100;
  const marked = positions.map((p) => ({ side: p.side, volume: p.volume, openPrice: p.priceOpen, quote, instrument }));
  const exposure = killSwitchState(marked, balance, risk.killSwitchMaxUnrealizedPct);
  if (exposure.breached) {
    closeAll(account, 'kill_switch', now);
    return `unrealised loss ${exposure.unrealizedPnl.toFixed(2)} ${state.currency} is ${exposure.lossPct.toFixed(2)}% of the balance (limit ${exposure.limitPct}%)`;
  }
  if (mustBeFlat(risk, now)) {
    closeAll(account, 'trading_hours', now);
    return null;
  }
  if (risk.trailingStopPips <= 0) return null;
  const distance = pipsToPrice(risk.trailingStopPips, instrument);
  for (const position of positions) {
    const held = { side: position.side, openPrice: position.priceOpen, stopLoss: position.sl, takeProfit: position.tp };
    const stopLoss = trailingStop(held, quote, distance, instrument);
    if (stopLoss === null) continue;
    const moved = modifyPosition(state, market, position.ticket, stopLoss, position.tp, now);
    if (moved.outcome === 'success') account.book.trailed(position.ticket);
  }
  return null;
}
