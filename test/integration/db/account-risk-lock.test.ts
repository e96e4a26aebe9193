// The account's risk lease on real PostgreSQL: holders on one account take turns, other accounts
// do not wait for them, a waiter gives up naming the account, a failed holder lets go at once and
// a dead one when its lease expires, a holder that outran its lease writes nothing, and nobody
// holds a pooled connection while holding or waiting — more holders than the pool has
// connections, each reading on a connection of its own, all finish.
import { setTimeout } from 'node:timers/promises';
import {
  AccountRiskLeaseLostError,
  AccountRiskLockTimeoutError,
  type AccountRiskLockTiming,
  type LeaseFence,
  withAccountRiskLock,
} from '../../../db/account-risk-lock.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await db.orm.em.getConnection().execute('create table lock_probe (name text not null)');
});

/** Rows of `name` in the probe table. */
async function probes(name: string): Promise<number> {
  const rows = await db.orm.em
    .getConnection()
    .execute<{ n: string }[]>('select count(*) as n from lock_probe where name = ?', [name]);
  return Number(rows[0]?.n);
}

afterAll(() => db.drop());

const LONG = { waitMs: 20_000, leaseMs: 20_000 };

/** Holds `account`'s lease for `holdMs`; `held` resolves once it holds it. */
function hold(account: string, holdMs: number, timing: AccountRiskLockTiming = LONG) {
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
    hold('lock-a', 1_000).done,
    hold('lock-a', 1_000).done,
    hold('lock-b', 300).done,
  ]);
  expect(overlap(first, second)).toBe(false);
  expect(overlap(first, elsewhere) || overlap(second, elsewhere)).toBe(true);
});

it('a waiter gives up after its wait, naming the account, and the holder finishes', async () => {
  const holder = hold('lock-c', 1_500);
  await holder.held;
  const waited: Array<[number, boolean]> = [];
  const onWaited = (waitedMs: number, taken: boolean) => waited.push([waitedMs, taken]);
  await expect(hold('lock-c', 0, { waitMs: 300, leaseMs: 20_000, onWaited }).done).rejects.toThrow(
    new AccountRiskLockTimeoutError('another bot on account lock-c held its risk decisions for over 0.3 s'),
  );
  expect(waited).toEqual([[expect.any(Number), false]]);
  expect(waited[0]![0]).toBeGreaterThanOrEqual(300);
  await expect(holder.done).resolves.toEqual({ from: expect.any(Number), to: expect.any(Number) });
});

it('a holder that fails lets go at once; one that died holds only until its lease expires', async () => {
  await expect(
    withAccountRiskLock(db.orm.em, 'lock-d', LONG, async () => {
      throw new Error('the broker went away');
    }),
  ).rejects.toThrow('the broker went away');
  await hold('lock-d', 0, { waitMs: 100, leaseMs: 20_000 }).done;

  // A worker killed while it held the lease never let go: its row stays until it expires.
  const connection = db.orm.em.getConnection();
  await connection.execute(
    `insert into account_risk_lease values ('lock-d', 'killed-worker', now() + interval '1 hour')`,
  );
  await expect(hold('lock-d', 0, { waitMs: 100, leaseMs: 20_000 }).done).rejects.toBeInstanceOf(
    AccountRiskLockTimeoutError,
  );
  await connection.execute(`update account_risk_lease set expires_at = now() where holder = 'killed-worker'`);
  await expect(hold('lock-d', 0, { waitMs: 100, leaseMs: 20_000 }).done).resolves.toBeDefined();
});

it('a holder whose lease ran out writes nothing; one still holding it keeps the next waiting until it commits', async () => {
  const write = (fence: LeaseFence, name: string, pauseMs = 0) =>
    db.orm.em.fork().transactional(async (tx) => {
      await fence(tx);
      await tx.execute('insert into lock_probe values (?)', [name]);
      await setTimeout(pauseMs);
    });
  await expect(
    withAccountRiskLock(db.orm.em, 'lock-f', { waitMs: 100, leaseMs: 200 }, async (fence) => {
      await setTimeout(400);
      await write(fence, 'outran');
    }),
  ).rejects.toBeInstanceOf(AccountRiskLeaseLostError);
  expect(await probes('outran')).toBe(0);

  // Its lease runs out while it writes: the next holder, waiting, gets it only once the write is committed.
  let committedAt = 0;
  let inside!: () => void;
  const writing = new Promise<void>((resolve) => (inside = resolve));
  const slow = withAccountRiskLock(db.orm.em, 'lock-g', { waitMs: 100, leaseMs: 300 }, async (fence) => {
    await write(fence, 'slow');
    inside();
    await db.orm.em.fork().transactional(async (tx) => {
      await fence(tx);
      await setTimeout(800);
      // The last moment before the commit: the next holder cannot have the lease before it.
      committedAt = performance.now();
    });
  });
  await writing;
  const next = await hold('lock-g', 0, { waitMs: 5_000, leaseMs: 5_000 }).done;
  await slow;
  expect(next.from).toBeGreaterThanOrEqual(committedAt);
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
