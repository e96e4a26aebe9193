// The instrument cache keeps the broker's commission (sizing counts it) as NUMERIC, and rows
// cached before it had one are dropped by the migration, so they are read from the broker again;
// a spec with a zero or negative number sizing divides by, as reported or as stored, is refused.
import { cachedInstrument } from '../../../activities/instrument-cache.ts';
import { createReplayFeed } from '../../../brokers/feeds/replay.ts';
import { createMemoryStateStore, createPaperBroker } from '../../../brokers/paper/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const MIGRATION = 'Migration20261124091000_CommissionPerLot';
const paper = (commissionPerLot: number) =>
  createPaperBroker({ store: createMemoryStateStore(), feed: createReplayFeed([]), commissionPerLot });

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('instrument cache', () => {
  it('drops rows cached without a commission, then caches the one the broker reports', async () => {
    await db.orm.migrator.down({ migrations: [MIGRATION] });
    const connection = db.orm.em.getConnection();
    await connection.execute(
      `insert into instrument (broker_account, symbol, digits, point, tick_size, tick_value, contract_size,
         volume_min, volume_max, volume_step, stops_level, freeze_level, filling_modes, max_spread_points,
         pip_size, margin_rate, correlation_group, updated_at)
       values ('paper-1', 'XAUUSDm', 2, 0.01, 0.01, 1, 100, 0.01, 200, 0.01, 20, 0, '["IOC"]', 50, 0.1, 0.01, 'gold', now())`,
    );
    await db.orm.migrator.up();
    expect(await connection.execute('select count(*)::int as n from instrument')).toEqual([{ n: 0 }]);

    const spec = await cachedInstrument(db.orm.em.fork(), paper(2.75), 'paper-1', 'XAUUSDm');
    expect(spec.commissionPerLot).toBe(2.75);
    const [row] = await connection.execute(
      `select commission_per_lot::text as commission, pg_typeof(commission_per_lot)::text as type from instrument`,
    );
    expect(row).toEqual({ commission: '2.75000000', type: 'numeric' });
    // Read back from the row (not from this other broker): a number, not NUMERIC's string.
    expect((await cachedInstrument(db.orm.em.fork(), paper(9), 'paper-1', 'XAUUSDm')).commissionPerLot).toBe(2.75);
  });

  it('reads the broker again for a spec older than the age asked, and keeps a younger one', async () => {
    const em = () => db.orm.em.fork();
    expect((await cachedInstrument(em(), paper(1.5), 'paper-3', 'XAUUSDm')).commissionPerLot).toBe(1.5);
    const connection = db.orm.em.getConnection();
    await connection.execute(
      `update instrument set updated_at = now() - interval '20 minutes' where broker_account = 'paper-3'`,
    );
    const maxAgeMs = 15 * 60_000;
    expect((await cachedInstrument(em(), paper(4), 'paper-3', 'XAUUSDm')).commissionPerLot).toBe(1.5);
    expect((await cachedInstrument(em(), paper(4), 'paper-3', 'XAUUSDm', { maxAgeMs })).commissionPerLot).toBe(4);
    // Read just now: kept, whatever the broker says.
    expect((await cachedInstrument(em(), paper(7), 'paper-3', 'XAUUSDm', { maxAgeMs })).commissionPerLot).toBe(4);
  });

  it.each([
    // A symbol the terminal has not synchronised yet: MT5 reports its tick value as 0.
    [
      'a zero tick value',
      { tickValue: 0 },
      'paper-2 reports an unusable spec for XAUUSDm (tickValue: Too small: expected number to be >0)',
    ],
    // Positive as reported, but NUMERIC(12, 4) keeps 0 (sizing would divide by it) or another step.
    [
      'a volume step its column keeps as 0',
      { volumeStep: 0.00001 },
      "paper-2's spec for XAUUSDm cannot be cached as reported (volumeStep: reported 0.00001, its column keeps 0)",
    ],
    [
      'a volume step its column rounds',
      { volumeStep: 0.00015 },
      "paper-2's spec for XAUUSDm cannot be cached as reported (volumeStep: reported 0.00015, its column keeps 0.0002)",
    ],
  ])('refuses %s, naming the field, and caches nothing', async (_case, fault, message) => {
    const broker = paper(0);
    const faulty = Object.assign(Object.create(broker) as typeof broker, {
      instrument: async (symbol: string) => ({ ...(await broker.instrument(symbol)), ...fault }),
    });
    await expect(cachedInstrument(db.orm.em.fork(), faulty, 'paper-2', 'XAUUSDm')).rejects.toThrow(message);
    const connection = db.orm.em.getConnection();
    expect(
      await connection.execute(`select count(*)::int as n from instrument where broker_account = 'paper-2'`),
    ).toEqual([{ n: 0 }]);
  });

  it('keeps a cached spec whose refresh fails, and says why', async () => {
    const em = () => db.orm.em.fork();
    await cachedInstrument(em(), paper(2), 'paper-4', 'XAUUSDm');
    await db.orm.em
      .getConnection()
      .execute(`update instrument set updated_at = now() - interval '20 minutes' where broker_account = 'paper-4'`);
    const broker = paper(5);
    const unsynchronised = Object.assign(Object.create(broker) as typeof broker, {
      instrument: async (symbol: string) => ({ ...(await broker.instrument(symbol)), tickValue: 0 }),
    });
    const kept: Array<[string, number]> = [];
    const spec = await cachedInstrument(em(), unsynchronised, 'paper-4', 'XAUUSDm', {
      maxAgeMs: 15 * 60_000,
      onStaleKept: (error, ageMs) => kept.push([(error as Error).name, ageMs]),
    });
    expect(spec.commissionPerLot).toBe(2);
    expect(kept).toEqual([['UnusableInstrumentSpecError', expect.any(Number)]]);
    expect(kept[0]![1]).toBeGreaterThanOrEqual(20 * 60_000);
    // Without somewhere to say it, the failure is the caller's.
    await expect(
      cachedInstrument(em(), unsynchronised, 'paper-4', 'XAUUSDm', { maxAgeMs: 15 * 60_000 }),
    ).rejects.toThrow('tickValue');
  });
});
