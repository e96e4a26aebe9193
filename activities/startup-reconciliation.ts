// Before a bot on a real account opens anything after a worker start, its positions and orders
// are reconciled with the broker and the account is checked to be what it was registered as.
// The first reconcile of a cycle after the start does it (evaluateRisk, which reconciles before it
// decides, when a signal is waiting); the outcome is kept on the bot, audited, and read by its trading state.
import type { EntityManager } from '@mikro-orm/postgresql';
import { PAPER_ACCOUNT_PREFIX } from '../brokers/accounts.ts';
import { accountsNamed, markStartupReconciliation } from '../bots/broker-readiness.ts';
import { AuditLog, DELETED_BOTS_FILTER } from '../db/entities/index.ts';
import { currentTrace, type BotContext } from './bot-context.ts';
import { reconcileBot } from './broker-reconciliation.ts';
import type { ActivityDeps } from './deps.ts';
import type { ReconcileResult } from './types.ts';

/** Whether the bot trades on a real account not yet reconciled since the worker started. */
async function awaitingStartupReconciliation(em: EntityManager, context: BotContext): Promise<boolean> {
  const { bot } = context;
  if (bot.startupReconciledAt || bot.brokerAccount.startsWith(PAPER_ACCOUNT_PREFIX)) return false;
  const account = (await accountsNamed(em, [bot.brokerAccount])).get(bot.brokerAccount);
  return account !== null && account !== undefined && account.connection.kind !== 'paper';
}

async function mark(deps: ActivityDeps, em: EntityManager, context: BotContext, error: string | null, data: object) {
  const { bot } = context;
  const now = new Date(deps.now());
  await markStartupReconciliation(em, bot.id, error === null ? { reconciledAt: now } : { error });
  // The managed bot takes the mark as written, clean: a later flush of this activity leaves it be.
  await em.refresh(bot, { filters: { [DELETED_BOTS_FILTER]: false } });
  const trace = currentTrace();
  await em.insert(AuditLog, {
    bot: bot.id,
    entity: 'bot',
    entityId: String(bot.id),
    event: error === null ? 'startup_reconciled' : 'startup_reconciliation_failed',
    reason: error ?? `reconciled with ${bot.brokerAccount} since the worker started`,
    data: { account: bot.brokerAccount, ...data },
    workflowId: trace?.workflowId ?? null,
    runId: trace?.runId ?? null,
    createdAt: now,
  });
}

/**
 * Runs `reconcile`; when it is the bot's first since the worker started, first checks the account
 * is what it was registered as, and records the outcome either way (a failure is rethrown).
 */
export async function reconcileMarkingStartup(
  deps: ActivityDeps,
  em: EntityManager,
  context: BotContext,
  reconcile: () => Promise<ReconcileResult>,
): Promise<ReconcileResult> {
  if (!(await awaitingStartupReconciliation(em, context))) return reconcile();
  const { bot } = context;
  const account = (await accountsNamed(em, [bot.brokerAccount])).get(bot.brokerAccount)!;
  try {
    const info = await deps.brokerFor(bot.brokerAccount).account();
    if (account.environment === 'demo' && info.tradeMode === 'real')
      throw new Error(`registered as a demo account, but the broker says login ${info.login} trades real money`);
    const result = await reconcile();
    await mark(deps, em, context, null, { login: info.login, tradeMode: info.tradeMode, ...result });
    deps.logger.info({ botId: bot.id, account: bot.brokerAccount, ...result }, 'start-up reconciliation done');
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error({ botId: bot.id, account: bot.brokerAccount, err: error }, 'start-up reconciliation failed');
    await mark(deps, em, context, message, {});
    throw error;
  }
}

/**
 * Before deciding on signals the bot's audit trail is brought in line with its broker: a stop-out
 * since the last cycle is a loss the cooldown must see, and a position gone is no longer counted.
 * The first time after a worker start this is the start-up reconciliation, whose failure is logged
 * and recorded on the bot (its trading state then opens nothing). Any other failure fails the step,
 * to be retried: nothing is decided on a book that may miss a loss.
 */
export async function reconcileBeforeDeciding(
  deps: ActivityDeps,
  em: EntityManager,
  context: BotContext,
): Promise<void> {
  if (!(await awaitingStartupReconciliation(em, context))) {
    await reconcileBot(deps, em, context);
    return;
  }
  await reconcileMarkingStartup(deps, em, context, () => reconcileBot(deps, em, context)).catch(() => undefined);
}
