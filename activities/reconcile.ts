// Step 5: brings the bot's audit trail in line with its broker (activities/broker-reconciliation.ts),
// recording the first reconciliation after a worker start. Never resends.
import { loadBot } from './bot-context.ts';
import { reconcileBot } from './broker-reconciliation.ts';
import type { ActivityDeps } from './deps.ts';
import { reconcileMarkingStartup } from './startup-reconciliation.ts';
import type { BotRef, ReconcileResult } from './types.ts';

export function reconcileActivity(deps: ActivityDeps) {
  return async function reconcile({ botId }: BotRef): Promise<ReconcileResult> {
    const em = deps.orm.em.fork();
    const context = await loadBot(em, botId);
    return reconcileMarkingStartup(deps, em, context, () => reconcileBot(deps, em, context));
  };
}
