// Closes every position of one bot and records the closes: the global kill-switch's flatten step,
// an operator's close-all, and the automatic kill-switch's closes that did not go through.
import { proxyActivities } from '@temporalio/workflow';
import type { CycleActivities } from '../activities/index.ts';
import type { FlattenRequest } from '../activities/types.ts';

const { closePositions, reconcile } = proxyActivities<CycleActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '10s', maximumAttempts: 5, nonRetryableErrorTypes: ['BotNotFound'] },
});

// Until flat: a close refused (a requote, a closed market) is tried again, a minute apart at most
// (5 minutes when every close was refused as the market is shut: the activity says so),
// for as long as it takes; the Web UI shows each attempt's failure, and an operator may end it.
const untilFlat = proxyActivities<CycleActivities>({
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    nonRetryableErrorTypes: ['BotNotFound'],
  },
});

export async function flattenBot(input: FlattenRequest) {
  const close = input.untilFlat === true ? untilFlat.closePositions : closePositions;
  const closed = await close(input);
  await reconcile({ botId: input.botId });
  return closed;
}
