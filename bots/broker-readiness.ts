// Whether a bot's broker account may open positions now. Paper accounts always may. A real
// account must have been reconciled with the broker since the worker last started (NautilusTrader's
// rule: know what is open before trading), and a live one needs the operator's explicit opt-in.
import type { EntityManager } from '@mikro-orm/postgresql';
import { implicitPaperAccount, PAPER_ACCOUNT_PREFIX, type BrokerAccountConfig } from '../brokers/accounts.ts';
import { configOf } from '../db/broker-accounts.ts';
import { BrokerAccount, type IBot } from '../db/entities/index.ts';

export type ReconciliationMark = Pick<IBot, 'startupReconciledAt' | 'startupReconcileError'>;

/** Why the account may not open positions now, or null. `account` null: no broker serves it. */
export function brokerBlockOf(
  accountName: string,
  account: BrokerAccountConfig | null,
  mark: ReconciliationMark,
): string | null {
  if (account === null) return `no broker serves account ${accountName}`;
  if (account.connection.kind === 'paper') return null;
  if (account.environment === 'live' && !account.liveTradingEnabled)
    return `account ${accountName} is live and live trading is off (scalper account enable-live ${accountName})`;
  if (mark.startupReconciledAt) return null;
  return mark.startupReconcileError
    ? `start-up reconciliation with ${accountName} failed: ${mark.startupReconcileError}`
    : `waiting for the start-up reconciliation with ${accountName} (the next cycle runs it)`;
}

/** The accounts these names stand for, in one query; unknown names map to null. */
export async function accountsNamed(
  em: EntityManager,
  names: Iterable<string>,
): Promise<Map<string, BrokerAccountConfig | null>> {
  const wanted = [...new Set(names)];
  const rows = wanted.length > 0 ? await em.find(BrokerAccount, { name: { $in: wanted } }) : [];
  const registered = new Map(rows.map((row) => [row.name, configOf(row)]));
  return new Map(
    wanted.map((name) => [
      name,
      registered.get(name) ?? (name.startsWith(PAPER_ACCOUNT_PREFIX) ? implicitPaperAccount(name) : null),
    ]),
  );
}

// The reconciliation mark is the engine's bookkeeping, not a change of the bot: it is written in
// SQL of its own because a MikroORM update bumps the bot's version, which is the ETag an
// operator's If-Match names (every reconcile attempt would be a conflict for whoever edits the
// bot) and which a managed copy of the bot, flushed later in the same activity, still holds.

/** Records the outcome of a bot's start-up reconciliation; the bot's version stays as it is. */
export async function markStartupReconciliation(
  em: EntityManager,
  botId: number,
  outcome: { reconciledAt: Date } | { error: string },
): Promise<void> {
  if ('error' in outcome) {
    await em.execute('update "bot" set "startup_reconcile_error" = ? where "id" = ?', [outcome.error, botId], 'run');
  } else {
    await em.execute(
      'update "bot" set "startup_reconciled_at" = ?, "startup_reconcile_error" = null where "id" = ?',
      [outcome.reconciledAt, botId],
      'run',
    );
  }
}

/** A worker start forgets every real account's reconciliation: the first cycle after it reconciles again. */
export async function forgetStartupReconciliations(em: EntityManager): Promise<number> {
  const result = await em.execute<{ affectedRows: number }>(
    `update "bot" set "startup_reconciled_at" = null where "deleted_at" is null and "broker_account" in ` +
      `(select "name" from "broker_account" where "kind" <> 'paper')`,
    [],
    'run',
  );
  return result.affectedRows;
}

/** The live accounts the operator has opted in to trade: the worker says so loudly when it starts. */
export async function liveAccountsTrading(em: EntityManager): Promise<string[]> {
  const rows = await em.find(BrokerAccount, { environment: 'live', liveTradingEnabled: true }, { fields: ['name'] });
  return rows.map((row) => row.name);
}
