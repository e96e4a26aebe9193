// One broker account's risk decisions, one bot at a time. Two bots deciding at once on one account
// would each read the account's day before the other's opens exist, and each pass its daily loss
// limit with a trade the other's trade makes too many. Holding the account's lease, a bot reads
// the account and writes its decisions before the next bot on the account reads; the next bot
// counts them as pending opens (activities/pending-opens.ts).
//
// A lease row, not a lock held by a transaction: the holder reads the broker while it holds it
// (seconds, on a slow gateway), and a transaction open that long would keep a pooled connection
// from the paper broker's store and every other step — ten holders on ten paper accounts would
// take every connection and wait for an eleventh. Taking, waiting for and letting go of the lease
// are single statements; a holder that dies loses its lease when it expires.
import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Between tries: a holder reads the broker a few times and writes a few rows. */
const RETRY_PAUSE_MS = { min: 20, max: 120 };

export class AccountRiskLockTimeoutError extends Error {
  override name = 'AccountRiskLockTimeoutError';
}

export interface AccountRiskLockTiming {
  /** How long to wait for another holder to let go. */
  waitMs: number;
  /** How long the lease holds if its holder never lets go (it died): the holder's own time limit. */
  leaseMs: number;
  /** Told how long the wait took, and whether it ended with the lease. */
  onWaited?: (waitedMs: number, taken: boolean) => void;
}

/** Takes `account`'s lease for `holder` if nobody holds it or its holder's lease has expired (the database's clock). */
async function tryTake(em: EntityManager, account: string, holder: string, leaseMs: number): Promise<boolean> {
  const taken = await em.getConnection().execute<{ holder: string }[]>(
    `insert into account_risk_lease (broker_account, holder, expires_at)
       values (?, ?, now() + make_interval(secs => ?))
     on conflict (broker_account) do update set holder = excluded.holder, expires_at = excluded.expires_at
       where account_risk_lease.expires_at <= now()
     returning holder`,
    [account, holder, leaseMs / 1000],
  );
  return taken.length === 1;
}

/** Raised where a holder finds its lease gone before it wrote: it outran its own time limit. */
export class AccountRiskLeaseLostError extends Error {
  override name = 'AccountRiskLeaseLostError';
}

/**
 * Inside the transaction `tx` that writes a decision: checks the lease is still `holder`'s and
 * unexpired, and locks its row until `tx` ends, so that nobody takes it before the decision is
 * committed (their take waits on the row, then reads the decision as pending).
 */
export type LeaseFence = (tx: EntityManager) => Promise<void>;

function fenceFor(account: string, holder: string): LeaseFence {
  return async (tx) => {
    const held = await tx.execute<{ holder: string }[]>(
      'select holder from account_risk_lease where broker_account = ? and holder = ? and expires_at > now() for update',
      [account, holder],
    );
    if (held.length === 0) {
      throw new AccountRiskLeaseLostError(
        `the lease on account ${account} expired before this bot's decision was written: not written, the retry decides it`,
      );
    }
  };
}

/**
 * Runs `decide` holding `account`'s lease, and lets go once it has finished (what it wrote is
 * committed by then). Waits at most `waitMs` for another holder to let go. `decide` passes each
 * transaction that writes a decision through the fence it is given.
 */
export async function withAccountRiskLock<T>(
  em: EntityManager,
  account: string,
  { waitMs, leaseMs, onWaited }: AccountRiskLockTiming,
  decide: (fence: LeaseFence) => Promise<T>,
): Promise<T> {
  const holder = randomUUID();
  const startedAt = Date.now();
  const giveUpAt = startedAt + waitMs;
  while (!(await tryTake(em, account, holder, leaseMs))) {
    if (Date.now() >= giveUpAt) {
      onWaited?.(Date.now() - startedAt, false);
      throw new AccountRiskLockTimeoutError(
        `another bot on account ${account} held its risk decisions for over ${(waitMs / 1000).toFixed(1)} s`,
      );
    }
    await setTimeout(RETRY_PAUSE_MS.min + Math.random() * (RETRY_PAUSE_MS.max - RETRY_PAUSE_MS.min));
  }
  onWaited?.(Date.now() - startedAt, true);
  const letGo = () =>
    em
      .getConnection()
      .execute('delete from account_risk_lease where broker_account = ? and holder = ?', [account, holder]);
  let result: T;
  try {
    result = await decide(fenceFor(account, holder));
  } catch (error) {
    try {
      await letGo();
    } catch (letGoError) {
      throw new AggregateError(
        [error, letGoError],
        `${(error as Error).message}; and the lease on account ${account} could not be let go (it expires by itself)`,
        { cause: letGoError },
      );
    }
    throw error;
  }
  await letGo();
  return result;
}
