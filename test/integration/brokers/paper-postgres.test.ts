// The paper broker with its state in PostgreSQL: the contract holds, a restart loses nothing,
// and concurrent orders on one account serialize instead of losing each other's updates.
import { openOrm, type Orm } from '../../../db/orm.ts';
import { PaperAccount } from '../../../db/entities/paper-account.ts';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { createPaperBroker } from '../../../brokers/paper/index.ts';
import { createPostgresStateStore } from '../../../brokers/paper/postgres-store.ts';
import type { BrokerPort, MarketOrderRequest } from '../../../brokers/port.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { describeBrokerContract } from '../../unit/brokers/contract/broker-contract.ts';
import { paperContractHarness } from '../../unit/brokers/contract/paper-harness.ts';

let db: TestDatabase;
const extraOrms: Orm[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(extraOrms.map((orm) => orm.close(true)));
  await db.drop();
});

/** A second connection pool, as a second worker process would have. */
async function anotherProcess(): Promise<Orm> {
  const orm = await openOrm(db.url);
  extraOrms.push(orm);
  return orm;
}

let accounts = 0;
describeBrokerContract('paper on PostgreSQL', (setup) => {
  accounts += 1;
  return paperContractHarness(setup, createPostgresStateStore(db.orm), `contract-${accounts}`);
});

describe('paper broker state in PostgreSQL', () => {
  const NOW = Date.UTC(2026, 2, 10, 10, 0, 30);
  const ALL_TIME = { from: 0, to: Number.MAX_SAFE_INTEGER };
  const feed = createSyntheticFeed({ seed: 9 });
  const clock = { now: () => NOW };

  function brokerOn(orm: Orm, login: string): BrokerPort {
    return createPaperBroker({ store: createPostgresStateStore(orm), feed, clock, account: { login } });
  }

  async function buy(broker: BrokerPort, comment: string): Promise<MarketOrderRequest> {
    const quote = await broker.quote('XAUUSDm');
    return {
      symbol: 'XAUUSDm',
      side: 'buy',
      volume: 0.01,
      price: quote.ask,
      sl: null,
      tp: null,
      deviationPoints: 20,
      magic: 7,
      comment,
    };
  }

  it('a restarted broker (new process, same database) sees the same account, positions and deals', async () => {
    const before = brokerOn(db.orm, 'restart');
    const first = await before.placeMarketOrder(await buy(before, 'r-1'));
    const second = await before.placeMarketOrder(await buy(before, 'r-2'));
    await before.closePosition(second.order ?? '', undefined, 'r-2-close');
    const snapshot = {
      account: await before.account(),
      positions: await before.positions(),
      deals: await before.deals(ALL_TIME),
      orders: await before.historyOrders(ALL_TIME),
    };

    const after = brokerOn(await anotherProcess(), 'restart');
    expect(await after.account()).toEqual(snapshot.account);
    expect(await after.positions()).toEqual(snapshot.positions);
    expect(await after.deals(ALL_TIME)).toEqual(snapshot.deals);
    expect(await after.historyOrders(ALL_TIME)).toEqual(snapshot.orders);
    expect(snapshot.positions.map((p) => p.ticket)).toEqual([first.order]);
    expect(await after.findOrderByComment(7, 'r-1', 0)).toMatchObject({ ticket: first.order });
  });

  it('concurrent orders from two workers on one account all land, each with its own ticket', async () => {
    const workers = [brokerOn(db.orm, 'race'), brokerOn(await anotherProcess(), 'race')];
    const requests = await Promise.all(
      Array.from({ length: 16 }, (_, i) => buy(workers[0] as BrokerPort, `race-${i}`)),
    );
    const results = await Promise.all(
      requests.map((request, i) => (workers[i % 2] as BrokerPort).placeMarketOrder(request)),
    );
    expect(results.map((r) => r.retcode)).toEqual(Array(16).fill(10009));
    expect(new Set(results.map((r) => r.order)).size).toBe(16);

    const positions = await (workers[1] as BrokerPort).positions();
    expect(positions.map((p) => p.comment).sort()).toEqual(requests.map((r) => r.comment).sort());
    const account = await (workers[0] as BrokerPort).account();
    // Commission 3.5 per lot × 0.01 lot = 0.035, booked as a whole cent: 0.04 per order.
    expect(account.balance).toBeCloseTo(10_000 - 16 * 0.04, 6);

    const row = await db.orm.em.fork().findOneOrFail(PaperAccount, { id: 'race' });
    // Created at version 1, then +1 per change: the 16 orders. The two reads above took snapshots and
    // wrote nothing (no stop was hit to book).
    expect(row.version).toBe(1 + 16);
  });
});
