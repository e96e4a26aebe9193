import type { InstrumentSpec, Quote, TradeSide } from '../market.ts';
import type { PositionSize } from '../sizing.ts';
import type { StrategySignal } from '../strategies/signal.ts';
import type { TradingState } from '../trading-state.ts';
import type { RiskSettings } from './settings.ts';

export interface OpenPosition {
  /** The magic of the bot (or EA, or none) that holds it: the bot's own positions carry its magic. */
  magic: number;
  symbol: string;
  side: TradeSide;
  volume: number;
  correlationGroup: string;
  openPrice: number;
  /** Its stop-loss; null when it has none. */
  stopLoss: number | null;
}

export interface AccountState {
  balance: number;
  freeMargin: number;
  /** Used for margin only when the instrument reports no margin rate (MT5 often reports 0). */
  leverage: number;
  /** A netting account holds one position per symbol, into which MT5 nets every order on it. */
  mode: 'hedging' | 'netting';
}

/**
 * The whole account's trading day so far (the bot's trading day, tradingDaysOf), every bot's and
 * manual trades alike: what the account-wide daily loss limit reads.
 */
export interface AccountDay {
  /**
   * The profit, commission and swap of every deal on the account since the day's start, and the
   * charges the broker booked as deals of their own (a daily commission, a tax…), read to a minute
   * past `now`: the broker's clock may run ahead.
   */
  realizedPnl: number;
  /**
   * What every position open on the account loses if it closes at its stop (lossAtStop: one without
   * a stop, or already beyond it, at its current price), closing commission included, less the swap
   * it has built up; negative where stops lock in profit. With the same for every open decided on
   * the account whose fill nobody knows yet, its opening commission too (pendingOpenLoss).
   */
  openLossAtStops: number;
}

export interface ClosedLoss {
  closedAt: number;
  pnl: number;
}

/** Everything one decision depends on, `now` included: the decision never reads a clock. */
export interface DecisionContext {
  signal: StrategySignal;
  settings: RiskSettings;
  bot: { autoTrade: boolean; magic: number };
  /** The bot's trading state (trading/trading-state.ts): only `active` opens. */
  tradingState: Pick<TradingState, 'state' | 'reason'>;
  account: AccountState;
  /** Positions the bot's account holds now, on any symbol, the bot's own and others'. */
  openPositions: readonly OpenPosition[];
  instrument: InstrumentSpec;
  quote: Quote;
  /** UTC epoch ms. */
  now: number;
  /**
   * When the bot's next cycle runs (UTC epoch ms): a trade opened now is held at least until then.
   * Null where no schedule is known: the cycles always know theirs; tests of single checks leave it.
   */
  nextCycleAt: number | null;
  recentLosses: readonly ClosedLoss[];
  /**
   * The bot's realised P&L since its trading day holding `now` started (tradingDaysOf: 00:00 UTC
   * unless its settings say otherwise), to the cent: the profit, commission and swap of its deals
   * from then to `now` (what they took from or added to the balance).
   */
  dayRealizedPnl: number;
  /** Read only where the bot has an account-wide daily loss limit (maxAccountDailyLossPct); null otherwise. */
  accountDay: AccountDay | null;
}

/** The order the decision would send. */
export interface OrderPlan {
  side: TradeSide;
  /** Ask for a buy, bid for a sell. */
  entryPrice: number;
  stopLoss: number;
  takeProfit: number | null;
  size: PositionSize;
  /** Margin the order needs, in account currency. */
  requiredMargin: number;
}

export interface CheckResult {
  name: string;
  passed: boolean;
  value: number | string | boolean | null;
  limit: number | string | boolean | null;
  reason: string;
}

/**
 * One check on a decision. With `explain` false its reason is left empty: the words are most of a
 * check's cost, and a backtest decides ~100,000 times a year without reading them.
 */
export type RiskCheck = (context: DecisionContext, plan: OrderPlan, explain: boolean) => CheckResult;

export interface DecisionOutcome {
  action: 'open' | 'ignore';
  score: number;
  reason: string;
  checks: CheckResult[];
  volume: number;
  stopLoss: number | null;
  takeProfit: number | null;
}
