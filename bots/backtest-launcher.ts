// Starting a backtest's workflow on the worker's task queue: the API's only way to run one, so a
// long backtest survives a worker restart and shows in the Temporal Web UI with its progress.
import type { Client } from '@temporalio/client';
import { backtest } from '../workflows/index.ts';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.ts';

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
}
