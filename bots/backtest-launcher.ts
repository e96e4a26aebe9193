// Starting a backtest's workflow on the worker's task queue: the API's only way to run one, so a
// long backtest survives a worker restart and shows in the Temporal Web UI with its progress.
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { backtest, cancelBacktestSignal } from '../workflows/index.ts';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.ts';

/**
 * How long a request may wait for Temporal to say how a run is: with the server out of reach the
 * client would otherwise retry for ~20 s, and a GET would wait as long.
 */
const DESCRIBE_DEADLINE_MS = 3_000;

export interface BacktestStart {
  backtestId: number;
  workflowId: string;
  symbol: string;
}

export class BacktestLauncher {
  private readonly client: Client;
  private readonly taskQueue: string;

  constructor(client: Client, taskQueue: string) {
    this.client = client;
    this.taskQueue = taskQueue;
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
   * Asks the run to stop, saying why: its workflow cancels the computation and marks the row failed
   * with the reason. False when the run had already ended.
   */
  async cancel(workflowId: string, runId: string, reason: string): Promise<boolean> {
    try {
      await this.client.workflow.getHandle(workflowId, runId).signal(cancelBacktestSignal, reason);
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
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
