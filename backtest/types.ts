// What a backtest takes and what it gives back. The settings are a bot's (strategies, their
// parameters, risk settings, lookback) plus the market it is replayed on (costs, account).
import type { CycleSchedule } from './cycle-schedule.ts';
import type { StopsPriority } from '../brokers/paper/stops.ts';
import type { BrokerDeal, MarketOrderRequest, TradeResult } from '../brokers/port.ts';
import type { InstrumentSpec, TradeSide } from '../trading/market.ts';
import type { DecisionOutcome, RiskSettings } from '../trading/risk/index.ts';
import type { TradeStats } from '../trading/stats.ts';
import type { StrategyName, StrategyParams, StrategySignal } from '../trading/strategies/index.ts';

export interface CostModel {
  /** Spread in points for every bar; null keeps each bar's own spread. */
  spreadPoints: number | null;
  /** Commission per lot per deal side, in account currency. */
  commissionPerLot: number;
  /** Adverse slippage on every fill, in points. */
  slippagePoints: number;
  /** Extra adverse slippage drawn (seeded) from 0..jitterPoints on every fill. */
  slippageJitterPoints: number;
  /** A bar that reaches both SL and TP: the level its OHLC path reaches first, or the SL (pessimistic). */
  stopsPriority: StopsPriority;
}

export interface BacktestSettings {
  symbol: string;
  /** The symbol's spec (tick size, volume step, contract size, margin); its commission is the cost model's. */
  instrument: Omit<InstrumentSpec, 'commissionPerLot'>;
  enabledStrategies: StrategyName[];
  strategyParams: StrategyParams;
  riskSettings: RiskSettings;
  /** A bot's requested lookback; raised as a bot's is (lookbackFor). */
  lookback: number | undefined;
  startingBalance: number;
  accountMode: 'hedging' | 'netting';
  leverage: number;
  costs: CostModel;
  /** When the bot's cycles run: a bar-aligned bot's delay after each bar closes, or an interval bot's schedule. */
  schedule: CycleSchedule;
  /** Bars opening in [from, to) are traded (UTC epoch ms); earlier bars only warm the indicators up. */
  from: number;
  to: number;
  /** Seeds slippage jitter. */
  seed: number;
}

export type TradeCloseReason = 'sl' | 'trailing' | 'tp' | 'kill_switch' | 'trading_hours' | 'end_of_test' | 'netting';

export interface BacktestTrade {
  positionId: string;
  strategy: StrategyName;
  side: TradeSide;
  volume: number;
  openTime: number;
  openPrice: number;
  /** Levels sent with the order. */
  stopLoss: number;
  takeProfit: number | null;
  closeTime: number;
  closePrice: number;
  closeReason: TradeCloseReason;
  /** Both deals' commissions (negative), in account currency. */
  commission: number;
  /** Price P&L of the closing deal(s), in account currency. */
  profit: number;
  /** profit + commission: what the trade did to the balance. */
  pnl: number;
}

export interface BacktestTradeStats extends TradeStats {
  /** Most losing trades in a row (by close time). */
  longestLosingStreak: number;
  /** Share of the cycles that ended with a position open, 0–1. */
  exposure: number;
}

export interface EquityPoint {
  /** UTC epoch ms. */
  time: number;
  /** Balance after the trades closed by then. */
  balance: number;
  /** Fall from the highest balance so far, in percent of that peak. */
  drawdownPct: number;
}

export interface BacktestResult {
  symbol: string;
  from: number;
  to: number;
  /** Bars traded (opening in [from, to)) and bars read before them to warm the indicators up. */
  bars: number;
  warmUpBars: number;
  startingBalance: number;
  finalBalance: number;
  overall: BacktestTradeStats;
  byStrategy: Partial<Record<StrategyName, BacktestTradeStats>>;
  signals: number;
  decisions: { opened: number; ignored: number; ignoredBy: Record<string, number> };
  /** Set when the automatic kill-switch closed everything and stopped the bot. */
  killSwitch: { time: number; reason: string } | null;
  trades: BacktestTrade[];
  equity: EquityPoint[];
  elapsedMs: number;
}

/**
 * Everything the backtested bot did, in the live audit trail's terms: filled when passed to
 * runBacktest (the parity test compares it with the live cycle's rows, field by field).
 */
export interface BacktestJournal {
  signals: StrategySignal[];
  decisions: Array<{ signal: StrategySignal; outcome: DecisionOutcome; time: number }>;
  orders: Array<{ signal: StrategySignal; request: MarketOrderRequest; result: TradeResult; time: number }>;
  /** The paper account's deals: fills of the opens, stop-outs and closes. */
  deals: BrokerDeal[];
}
