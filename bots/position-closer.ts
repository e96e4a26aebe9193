// Closing all of one bot's positions from outside a workflow: the flattenBot workflow, run on the
// worker's task queue, closes each position through the order store (a close order of its own with
// its own clientOrderId, exactly once) and reconciles. The global halt's flatten and an operator's
// close-all come through here, and so does the automatic kill-switch's flatten until flat (started
// by its activity, which cannot wait for it).
import type { Client } from '@temporalio/client';
import type { PositionFlattener } from '../activities/deps.ts';
import type { ClosedPositions, FlattenRequest } from '../activities/types.ts';
import { flattenBot } from '../workflows/index.ts';

export type { ClosedPositions };

export class PositionCloser implements PositionFlattener {
  private readonly client: Client;
  private readonly taskQueue: string;

  constructor(client: Client, taskQueue: string) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  /** Resolves once every close has an outcome; fails if one stayed unknown through every attempt. */
  async closeAll(
    botId: number,
    reason: string,
    closeReason: NonNullable<FlattenRequest['closeReason']>,
  ): Promise<ClosedPositions> {
    return this.client.workflow.execute(flattenBot, {
      taskQueue: this.taskQueue,
      workflowId: `scalper-flatten-${botId}-${Date.now()}`,
      args: [{ botId, reason, closeReason }],
    });
  }

  /** One such workflow per bot at a time: a second trip while it runs (or waits to) finds it. */
  async untilFlat(botId: number, reason: string, afterMs: number): Promise<string> {
    const workflowId = `scalper-flatten-${botId}-until-flat`;
    await this.client.workflow.start(flattenBot, {
      taskQueue: this.taskQueue,
      workflowId,
      workflowIdConflictPolicy: 'USE_EXISTING',
      startDelay: afterMs,
      args: [{ botId, reason, closeReason: 'kill_switch', untilFlat: true }],
    });
    return workflowId;
  }
}
