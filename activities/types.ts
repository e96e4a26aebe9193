// What crosses the workflow/activity boundary: small, readable in the Web UI history.
// Bars are not passed around; a window descriptor names them.
import type { OrderOutcome } from '../db/orders/index.ts';

export type { OrderOutcome };

export interface BotRef {
  botId: number;
}

export interface BarWindow {
  symbol: string;
  count: number;
  firstOpenTime: number;
  lastOpenTime: number;
  lastClose: number;
}

export interface FetchCandlesResult {
  window: BarWindow;
  bid: number;
  ask: number;
  spreadPoints: number;
}

export interface FiredSignal {
  signalId: number;
  strategy: string;
  direction: 'buy' | 'sell';
  score: number;
}

export interface RunStrategiesResult {
  strategiesRun: string[];
  /** New signals only; a bar that already signalled (an earlier cycle or a retry) is not repeated. */
  signals: FiredSignal[];
  duplicates: number;
}

export interface DecisionSummary {
  decisionId: number;
  signalId: number;
  strategy: string;
  action: 'open' | 'ignore';
  reason: string;
}

export interface OrderRequest {
  decisionId: number;
  clientOrderId: string;
}

export interface ReconcileResult {
  newExecutions: number;
  positionsOpened: number;
  positionsClosed: number;
  /** Orders whose fill this reconcile recorded. */
  ordersFilled: number;
  /** Orders left without an outcome that were found at the broker. */
  ordersAdopted: number;
  /** Orders that never reached the broker: left without an outcome, or never placed at all. */
  ordersCancelled: number;
  openPositions: number;
}

export interface ManagePositionsResult {
  trailed: number;
  killSwitchTripped: boolean;
  /** The close orders the automatic kill-switch sent, with their outcomes. */
  closes: OrderOutcome[];
}

/** Close every position of a bot; `closeReason` is what its positions will say closed them. */
export interface FlattenRequest extends BotRef {
  reason: string;
  /** `kill_switch` when absent (the global halt); `manual` for an operator's close-all. */
  closeReason?: 'kill_switch' | 'manual';
  /** Try again, without end, until the bot holds no position: the automatic kill-switch's flatten. */
  untilFlat?: boolean;
}

export interface ClosedPositions {
  closed: string[];
  /** Tickets the broker refused to close, with its retcode: they need a human. */
  failed: Array<{ ticket: string; retcode: number | null; retcodeName: string | null; status: string }>;
  orders: OrderOutcome[];
}

/** What a cycle did, as its `cycle_run` row and its log line say. */
export interface CycleCounts {
  strategies: number;
  bars: number;
  signals: number;
  /** Decisions to open. */
  decisions: number;
  /** Open orders that reached the broker (answered, or with an outcome nobody knows yet). */
  orders: number;
  ordersFilled: number;
  ordersRejected: number;
  /** Close orders of the automatic kill-switch that reached the broker. */
  closes: number;
}

export interface CycleRecord extends BotRef {
  workflowId: string;
  runId: string;
  startedAt: number;
  counts: CycleCounts;
  outcome: 'completed' | 'failed' | 'timed_out';
  error?: string;
}

/** One backtest, by its row: the request and everything else are read from there. */
export interface BacktestJob {
  backtestId: number;
}

export interface BacktestFailure extends BacktestJob {
  error: string;
  /** Stopped by a cancel (absent from runs of an earlier build: counted as failed). */
  cancelled?: boolean;
}

/** A completed backtest's headline, for the Web UI; GET /backtests/:id has the rest. */
export type BacktestOutcome =
  | { backtestId: number; bars: number; trades: number; netPnl: number; finalBalance: number }
  | {
      backtestId: number;
      bars: number;
      /** Backtests run: a sweep's points, or a walk-forward's in- and out-of-sample runs. */
      runs: number;
      /** A sweep's best point, or each walk-forward fold's. */
      best: string[];
    };
