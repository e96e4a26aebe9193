// Closes every position of one bot and records the closes: the global kill-switch's flatten step.
import { proxyActivities } from '@temporalio/workflow';
import type { CycleActivities } from '../activities/index.ts';
import type { BotRef } from '../activities/types.ts';

const { closePositions, reconcile } = proxyActivities<CycleActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 5, nonRetryableErrorTypes: ['BotNotFound'] },
});

export async function flattenBot(input: BotRef & { reason: string }) {
  const closed = await closePositions(input);
  await reconcile({ botId: input.botId });
  return closed;
}
