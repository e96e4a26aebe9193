// The account's risk lease on real PostgreSQL: holders on one account take turns, other accounts
// do not wait for them, a waiter gives up naming the account, a failed holder lets go at once and
// a dead one when its lease expires, and nobody holds a pooled connection while holding or waiting
// — more holders than the pool has connections, each reading on a connection of its own, all finish.
import { setTimeout } from 'node:timers/promises';
import { AccountRiskLockTimeoutError, withAccountRiskLock } from '../../../db/account-risk-lock.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(() => db.drop());

const LONG = { waitMs: 20_000, leaseMs: 20_000 };

/** Holds `account`'s lease for `holdMs`; `held` resolves once it holds it. */
function hold(account: string, holdMs: number, timing = LONG) {
  let entered!: () => void;
  const held = new Promise<void>((resolve) => (entered = resolve));
  const done = withAccountRiskLock(db.orm.em, account, timing, async () => {
    const from = performance.now();
    entered();
    await setTimeout(holdMs);
    return { from, to: performance.now() };
  });
  return { held, done };
}

const overlap = (a: { from: number; to: number }, b: { from: number; to: number }) => a.from < b.to && b.from < a.to;

it('holders on one account take turns; another account does not wait for them', async () => {
  const [first, second, elsewhere] = await Promise.all([
    hold('lock-a', 300).done,
    hold('lock-a', 300).done,
    hold('lock-b', 300).done,
  ]);
  expect(overlap(first, second)).toBe(false);
  expect(overlap(first, elsewhere) || overlap(second, elsewhere)).toBe(true);
});

it('a waiter gives up after its wait, naming the account, and the holder finishes', async () => {
  const holder = hold('lock-c', 1_500);
  await holder.held;
  await expect(hold('lock-c', 0, { waitMs: 300, leaseMs: 20_000 }).done).rejects.toThrow(
    new AccountRiskLockTimeoutError('another bot on account lock-c held its risk decisions for over 0.3 s'),
  );
  await expect(holder.done).resolves.toEqual({ from: expect.any(Number), to: expect.any(Number) });
});

it('a holder that fails lets go at once; one that died holds only until its lease expires', async () => {
  await expect(
    withAccountRiskLock(db.orm.em, 'lock-d', LONG, async () => {
      throw new Error('the broker went away');
    }),
  ).rejects.toThrow('the broker went away');
  const started = performance.now();
  await hold('lock-d', 0, { waitMs: 100, leaseMs: 20_000 }).done;

  // A worker killed while it held the lease never let go: its row stays until it expires.
  await db.orm.em
    .getConnection()
    .execute(`insert into account_risk_lease values ('lock-d', 'killed-worker', now() + interval '700 milliseconds')`);
  const afterDeath = performance.now();
  const next = await hold('lock-d', 0).done;
  expect(next.from - afterDeath).toBeGreaterThanOrEqual(600);
  expect(next.from - started).toBeLessThan(10_000);
});

it('more holders than the pool has connections all finish, each reading on a connection of its own', async () => {
  const reads: number[] = [];
  await Promise.all(
    Array.from({ length: 16 }, (_, index) =>
      withAccountRiskLock(db.orm.em, `lock-e-${index % 12}`, LONG, async () => {
        // As the paper broker's store does: a read of its own while the lease is held.
        const [row] = await db.orm.em.fork().getConnection().execute<{ n: string }[]>('select 1 as n');
        reads.push(Number(row?.n));
        await setTimeout(50);
      }),
    ),
  );
  expect(reads).toEqual(Array.from({ length: 16 }, () => 1));
}, 30_000);
