// Starting a backtest's workflow on the worker's task queue: the API's only way to run one, so a
// long backtest survives a worker restart and shows in the Temporal Web UI with its progress.
import { type Client, WorkflowNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { backtest, cancelBacktestSignal, cancelBacktestUpdate } from '../workflows/index.ts';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.ts';

/**
 * How long a request may wait for Temporal to say how a run is: with the server out of reach the
 * client would otherwise retry for ~20 s, and a GET would wait as long.
 */
const DESCRIBE_DEADLINE_MS = 3_000;

/**
 * How long a cancel waits for the run to stop: the computation hears of it at its next heartbeat
 * (every 5 s), then the workflow records the failure.
 */
const CANCEL_WAIT_MS = 12_000;

/** What became of a cancel: the run stopped by it, the run had ended first, or the stop is under way. */
export type CancelAnswer = 'cancelled' | 'ended' | 'stopping';

export interface BacktestStart {
  backtestId: number;
  workflowId: string;
  symbol: string;
}

export class BacktestLauncher {
  private readonly client: Client;
  private readonly taskQueue: string;
  private readonly cancelWaitMs: number;

  constructor(client: Client, taskQueue: string, cancelWaitMs = CANCEL_WAIT_MS) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.cancelWaitMs = cancelWaitMs;
  }

  /** Starts the workflow and answers its run id; it runs on whether or not anyone waits. */
  async start({ backtestId, workflowId, symbol }: BacktestStart): Promise<string> {
    const handle = await this.client.workflow.start(backtest, {
      taskQueue: this.taskQueue,
      workflowId,
      args: [{ backtestId }],
      typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.symbol, value: symbol }],
    });
    return handle.firstExecutionRunId;
  }

  /**
   * Asks the run to stop, saying why, and waits for it: its workflow cancels the computation, marks
   * the row failed with the reason and answers whether the cancel stopped it. A run that takes
   * longer (its worker down, say) gets the request as a signal, durable in its history, and stops
   * once a worker picks it up.
   */
  async cancel(workflowId: string, runId: string, reason: string): Promise<CancelAnswer> {
    const handle = this.client.workflow.getHandle(workflowId, runId);
    try {
      const stopped = await this.client.connection.withDeadline(Date.now() + this.cancelWaitMs, () =>
        handle.executeUpdate(cancelBacktestUpdate, { args: [reason] }),
      );
      return stopped ? 'cancelled' : 'ended';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'ended';
      if (!(error instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) throw error;
    }
    try {
      await handle.signal(cancelBacktestSignal, reason);
      return 'stopping';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'ended';
      throw error;
    }
  }

  /**
   * Why a backtest's run ended without its workflow settling the row, or null while it runs (or
   * ended as it should). The workflow records its own failures and cancellations; a run terminated
   * from the Web UI or the CLI, or timed out, or gone from Temporal cannot, and would otherwise
   * show as running forever.
   */
  async endedWithoutResult(workflowId: string, runId: string): Promise<string | null> {
    try {
      const handle = this.client.workflow.getHandle(workflowId, runId);
      const { status } = await this.client.connection.withDeadline(Date.now() + DESCRIBE_DEADLINE_MS, () =>
        handle.describe(),
      );
      switch (status.name) {
        case 'TERMINATED':
          return `its workflow ${workflowId} was terminated in Temporal before it finished`;
        case 'TIMED_OUT':
          return `its workflow ${workflowId} timed out in Temporal before it finished`;
        case 'FAILED':
        case 'CANCELLED':
          return `its workflow ${workflowId} ended ${status.name.toLowerCase()} in Temporal`;
        default:
          return null;
      }
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return `its workflow ${workflowId} is not in Temporal (any more)`;
      throw error;
    }
  }
}
