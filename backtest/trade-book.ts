// Trades from the paper account's deals, as the live deal book books executions into positions:
// one trade per position, its P&L the sum of its deals' profit and commission (Position.realizedPnl).
// A netting reversal ends the old trade and starts a new one on the same position id.
import type { BrokerDeal } from '../brokers/port.ts';
import type { PaperState } from '../brokers/paper/state.ts';
import type { TradeSide } from '../trading/market.ts';
import type { TradingDays } from '../trading/trading-day.ts';
import type { StrategyName } from '../trading/strategies/index.ts';
import type { BacktestTrade, TradeCloseReason } from './types.ts';

interface OpenTrade {
  strategy: StrategyName;
  /** The engine moved its stop-loss (the trailing stop): a stop-out is then `trailing`, as live says. */
  trailed: boolean;
  side: TradeSide;
  volume: number;
  openTime: number;
  openPrice: number;
  stopLoss: number;
  takeProfit: number | null;
  commission: number;
  profit: number;
  closedVolume: number;
  closeValue: number;
  closeTime: number;
  closeReason: TradeCloseReason;
}

/** What an order the engine placed was for: its strategy and the levels it was sent with. */
export interface PlacedOrder {
  strategy: StrategyName;
  stopLoss: number;
  takeProfit: number | null;
}

export class TradeBook {
  readonly trades: BacktestTrade[] = [];
  /** The losing trade that closed last: the cooldown reads it before every decision. */
  latestLoss: BacktestTrade | null = null;
  readonly #open = new Map<string, OpenTrade>();
  readonly #orders = new Map<string, PlacedOrder>();
  #dealsSeen = 0;
  /** The days the daily loss limit counts in (the bot's settings). */
  readonly #days: TradingDays;
  /** The start of the day of the last deal booked, and the day's realised P&L so far in cents. */
  #day = Number.NaN;
  #dayPnlCents = 0;

  /** Open trades per strategy (0 once all of a strategy's closed), for exposure. */
  readonly openByStrategy = new Map<StrategyName, number>();

  constructor(days: TradingDays) {
    this.#days = days;
  }

  get openCount(): number {
    return this.#open.size;
  }

  /**
   * The realised P&L since `now`'s trading day started: the profit, commission and swap of the deals
   * booked since then (the daily loss limit reads it before every decision), summed in cents as the
   * live context sums its executions.
   */
  realizedOnDayOf(now: number): number {
    return this.#days.startOf(now) === this.#day ? this.#dayPnlCents / 100 : 0;
  }

  /** The trailing stop moved the stop-loss of the position `positionId`. */
  trailed(positionId: string): void {
    const trade = this.#open.get(positionId);
    if (trade !== undefined) trade.trailed = true;
  }

  placed(orderTicket: string, order: PlacedOrder): void {
    this.#orders.set(orderTicket, order);
  }

  /**
   * Books the deals recorded since the last call. `clientReason` names why the engine's own
   * closes (deal reason `client`) were sent; a stop-out carries its own reason.
   */
  sync(state: PaperState, clientReason: TradeCloseReason): void {
    for (; this.#dealsSeen < state.deals.length; this.#dealsSeen++) {
      const deal = state.deals[this.#dealsSeen]!;
      this.#addToDay(deal);
      this.#book(deal, clientReason);
      // An order fills at once, in one deal: once booked, it is not asked about again (a netting
      // order that adds to or reduces a position starts no trade, and would otherwise stay here).
      this.#orders.delete(deal.order);
    }
    if (this.#open.size === state.positions.length) return;
    // A bot holds a handful of positions: a scan, not a set of them. Those gone are completed in
    // the order they closed, not opened, so that the trade list stays in closing order (the
    // cooldown's read of the latest loss walks it back from its end).
    const { positions } = state;
    const gone: Array<[string, OpenTrade]> = [];
    this.#open.forEach((trade, positionId) => {
      if (!positions.some((position) => position.ticket === positionId)) gone.push([positionId, trade]);
    });
    gone.sort(([, a], [, b]) => a.closeTime - b.closeTime);
    for (const [positionId, trade] of gone) this.#complete(positionId, trade);
  }

  /** Deals are booked in time order: one on a later day starts that day's sum. */
  #addToDay(deal: BrokerDeal): void {
    const day = this.#days.startOf(deal.time);
    if (day !== this.#day) {
      this.#day = day;
      this.#dayPnlCents = 0;
    }
    this.#dayPnlCents += Math.round((deal.profit + deal.commission + deal.swap) * 100);
  }

  #book(deal: BrokerDeal, clientReason: TradeCloseReason): void {
    const trade = this.#open.get(deal.positionId);
    if (deal.entry === 'in' && trade === undefined) {
      this.#start(deal, deal.volume, deal.commission);
      return;
    }
    if (trade === undefined) return;
    if (deal.entry === 'in') {
      trade.volume += deal.volume;
      trade.commission += deal.commission;
      return;
    }
    const stopOut: TradeCloseReason = trade.trailed ? 'trailing' : 'sl';
    const reason: TradeCloseReason = deal.reason === 'sl' ? stopOut : deal.reason === 'tp' ? 'tp' : clientReason;
    const closing = deal.entry === 'inout' ? trade.volume - trade.closedVolume : deal.volume;
    // A reversal's commission is charged on its whole volume: the closing share, in whole cents, goes
    // to this trade and the rest to the new one, so the trades still add up to the balance.
    const commissionShare =
      deal.entry === 'inout' ? roundCents((deal.commission * closing) / deal.volume) : deal.commission;
    trade.commission += commissionShare;
    trade.profit += deal.profit;
    trade.closedVolume += closing;
    trade.closeValue += closing * deal.price;
    trade.closeTime = deal.time;
    trade.closeReason = deal.entry === 'inout' ? 'netting' : reason;
    if (deal.entry === 'inout') {
      this.#complete(deal.positionId, trade);
      this.#start(deal, deal.volume - closing, deal.commission - commissionShare);
    }
  }

  #start(deal: BrokerDeal, volume: number, commission: number): void {
    const order = this.#orders.get(deal.order);
    if (order === undefined) return;
    this.openByStrategy.set(order.strategy, (this.openByStrategy.get(order.strategy) ?? 0) + 1);
    this.#open.set(deal.positionId, {
      strategy: order.strategy,
      trailed: false,
      side: deal.side,
      volume,
      openTime: deal.time,
      openPrice: deal.price,
      stopLoss: order.stopLoss,
      takeProfit: order.takeProfit,
      commission,
      profit: 0,
      closedVolume: 0,
      closeValue: 0,
      closeTime: deal.time,
      closeReason: 'end_of_test',
    });
  }

  #complete(positionId: string, trade: OpenTrade): void {
    this.#open.delete(positionId);
    this.openByStrategy.set(trade.strategy, this.openByStrategy.get(trade.strategy)! - 1);
    const completed: BacktestTrade = {
      positionId,
      strategy: trade.strategy,
      side: trade.side,
      volume: trade.volume,
      openTime: trade.openTime,
      openPrice: trade.openPrice,
      stopLoss: trade.stopLoss,
      takeProfit: trade.takeProfit,
      closeTime: trade.closeTime,
      closePrice: trade.closedVolume > 0 ? trade.closeValue / trade.closedVolume : trade.openPrice,
      closeReason: trade.closeReason,
      commission: roundCents(trade.commission),
      profit: roundCents(trade.profit),
      pnl: roundCents(trade.profit + trade.commission),
    };
    this.trades.push(completed);
    if (completed.pnl < 0 && (this.latestLoss === null || completed.closeTime >= this.latestLoss.closeTime))
      this.latestLoss = completed;
  }
}

/** Deal amounts are whole cents: their sums are too, once float noise is rounded off. */
function roundCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
