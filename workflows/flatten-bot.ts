// Closes every position of one bot and records the closes: the global kill-switch's flatten step
// and an operator's close-all.
import { proxyActivities } from '@temporalio/workflow';
import type { CycleActivities } from '../activities/index.ts';
import type { FlattenRequest } from '../activities/types.ts';

const { closePositions, reconcile } = proxyActivities<CycleActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 5, nonRetryableErrorTypes: ['BotNotFound'] },
});

export async function flattenBot(input: FlattenRequest) {
  const closed = await closePositions(input);
  await reconcile({ botId: input.botId });
  return closed;
}
