// The account's risk lock on real PostgreSQL: holders on one account take turns, other accounts
// do not wait for them, a waiter gives up naming the account, and waiters hold no pooled
// connection while they wait — more of them than the pool has connections still all finish.
import { setTimeout } from 'node:timers/promises';
import { AccountRiskLockTimeoutError, withAccountRiskLock } from '../../../db/account-risk-lock.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.orm.em.getConnection().execute('create table lock_probe (name text not null)');
});

/** Rows of `name` in the probe table, read on a connection of their own. */
async function probes(name: string): Promise<number> {
  const rows = await db.orm.em
    .getConnection()
    .execute<{ n: string }[]>('select count(*) as n from lock_probe where name = ?', [name]);
  return Number(rows[0]?.n);
}

afterAll(() => db.drop());

/** Holds `account`'s lock for `holdMs`, and says when it held it. */
async function hold(account: string, holdMs: number, waitMs = 20_000): Promise<{ from: number; to: number }> {
  return withAccountRiskLock(db.orm.em, account, waitMs, async () => {
    const from = performance.now();
    await setTimeout(holdMs);
    return { from, to: performance.now() };
  });
}

const overlap = (a: { from: number; to: number }, b: { from: number; to: number }) => a.from < b.to && b.from < a.to;

it('holders on one account take turns; another account does not wait for them', async () => {
  const [first, second, elsewhere] = await Promise.all([hold('lock-a', 300), hold('lock-a', 300), hold('lock-b', 300)]);
  expect(overlap(first, second)).toBe(false);
  expect(overlap(first, elsewhere) || overlap(second, elsewhere)).toBe(true);
});

it('a waiter gives up after its wait, naming the account, and the holder finishes', async () => {
  const holder = hold('lock-c', 1_500);
  await setTimeout(100);
  await expect(hold('lock-c', 0, 300)).rejects.toThrow(
    new AccountRiskLockTimeoutError('another bot on account lock-c held its risk decisions for over 0 s'),
  );
  await expect(holder).resolves.toEqual({ from: expect.any(Number), to: expect.any(Number) });
});

it("what a holder writes is committed when it lets go, and a holder's failure writes nothing and frees the lock", async () => {
  await expect(
    withAccountRiskLock(db.orm.em, 'lock-d', 5_000, async (tx) => {
      await tx.execute(`insert into lock_probe values ('written-then-failed')`);
      throw new Error('the broker went away');
    }),
  ).rejects.toThrow('the broker went away');
  expect(await probes('written-then-failed')).toBe(0);
  await withAccountRiskLock(db.orm.em, 'lock-d', 5_000, async (tx) => {
    await tx.execute(`insert into lock_probe values ('written')`);
    // Not committed until the holder lets go.
    expect(await probes('written')).toBe(0);
  });
  expect(await probes('written')).toBe(1);
});

it('more waiters than the pool has connections all finish, each holder reading on a second connection', async () => {
  const reads: number[] = [];
  await Promise.all(
    Array.from({ length: 16 }, (_, index) =>
      withAccountRiskLock(db.orm.em, 'lock-e', 20_000, async () => {
        // As the paper broker's store does: a read of its own, outside the holder's transaction.
        reads.push(await probes('written'));
        await setTimeout(20);
        return index;
      }),
    ),
  );
  expect(reads).toHaveLength(16);
}, 30_000);
