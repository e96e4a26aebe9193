// One broker account's risk decisions, one bot at a time. Two bots deciding at once on one account
// would each read the account's day before the other's opens exist, and each pass its daily loss
// limit with a trade the other's trade makes too many. Under this lock a bot reads the account and
// writes its decisions before the next bot on the account reads; the next bot counts them as
// pending opens (activities/pending-opens.ts).
//
// A waiter polls with a transaction-scoped try-lock and sleeps between tries rather than holding a
// pooled connection while it waits: ten bots queued on one account must not take every connection
// the lock's holder (or the paper broker's store) needs to finish.
import { setTimeout } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Any fixed number, the lock's class; the account's name, hashed by PostgreSQL, is the key within it. */
const ACCOUNT_RISK_LOCK_CLASS = 714_523;
/** Between tries: a holder reads the broker a few times and writes a few rows. */
const RETRY_PAUSE_MS = { min: 20, max: 120 };

export class AccountRiskLockTimeoutError extends Error {
  override name = 'AccountRiskLockTimeoutError';
}

/**
 * Runs `decide` in a transaction holding `account`'s risk lock; the lock ends with the transaction,
 * once the decisions it wrote are committed. Waits at most `waitMs` for another holder to finish.
 */
export async function withAccountRiskLock<T>(
  em: EntityManager,
  account: string,
  waitMs: number,
  decide: (tx: EntityManager) => Promise<T>,
): Promise<T> {
  const giveUpAt = Date.now() + waitMs;
  for (;;) {
    const outcome = await em.fork().transactional(async (tx) => {
      const [row] = await tx.execute<{ locked: boolean }[]>(
        'select pg_try_advisory_xact_lock(?, hashtext(?)) as locked',
        [ACCOUNT_RISK_LOCK_CLASS, account],
      );
      return row?.locked === true ? { value: await decide(tx) } : null;
    });
    if (outcome !== null) return outcome.value;
    if (Date.now() >= giveUpAt) {
      throw new AccountRiskLockTimeoutError(
        `another bot on account ${account} held its risk decisions for over ${Math.round(waitMs / 1000)} s`,
      );
    }
    await setTimeout(RETRY_PAUSE_MS.min + Math.random() * (RETRY_PAUSE_MS.max - RETRY_PAUSE_MS.min));
  }
}
