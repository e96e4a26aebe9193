// MT5 CSV imports into PostgreSQL: all or nothing, and replayable.
import { MarketBar } from '../../../db/entities/market-bar.ts';
import { createReplayFeed } from '../../../brokers/feeds/replay.ts';
import { importMt5Csv, loadBars, storeBars } from '../../../brokers/feeds/market-bars.ts';
import { Mt5CsvError } from '../../../brokers/feeds/mt5-csv.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db.drop();
});

const HEADER = '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>';
const MARCH_2026 = { from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 3, 1) };

function row(time: string, open: string, high: string, low: string, close: string): string {
  return ['2026.03.10', time, open, high, low, close, '100', '0', '25'].join('\t');
}

function countFor(symbol: string): Promise<number> {
  return db.orm.em.fork().count(MarketBar, { symbol });
}

describe('importing MT5 bars into PostgreSQL', () => {
  it('stores a valid file in UTC, re-imports idempotently, and replays it', async () => {
    const text = [
      HEADER,
      row('12:00', '2915.10', '2916.00', '2914.50', '2915.80'),
      row('12:01', '2915.80', '2917.25', '2915.60', '2917.00'),
    ].join('\n');
    const options = {
      symbol: 'XAUUSDm',
      source: 'XAUUSDm_M1.csv',
      serverClock: { kind: 'offset' as const, utcOffsetMinutes: 120 },
    };
    expect(await importMt5Csv(db.orm, text, options)).toEqual({ stored: 2, removed: 0 });
    expect(await importMt5Csv(db.orm, text, options)).toEqual({ stored: 2, removed: 0 });
    expect(await countFor('XAUUSDm')).toBe(2);

    const bars = await loadBars(db.orm, 'XAUUSDm', MARCH_2026);
    expect(bars[0]).toEqual({
      openTime: Date.UTC(2026, 2, 10, 10, 0),
      open: 2915.1,
      high: 2916,
      low: 2914.5,
      close: 2915.8,
      tickVolume: 100,
      spread: 25,
    });
    const feed = createReplayFeed([{ symbol: 'XAUUSDm', point: 0.01, bars }]);
    expect(feed.closedBars('XAUUSDm', 5, Date.UTC(2026, 2, 10, 10, 2))).toEqual(bars);
  });

  it("with replace, removes what an import of the file on the wrong clock left, and no other export's bars", async () => {
    const rows = ['16:58', '16:59'].map((time) => row(time, '2915.10', '2916.00', '2914.50', '2915.80'));
    const base = { symbol: 'GBPUSDm', source: 'gbp.csv' };
    // Read as GMT+2, then again right, as GMT+3: the first import's minutes are an hour later.
    await importMt5Csv(db.orm, [HEADER, ...rows].join('\n'), {
      ...base,
      serverClock: { kind: 'offset', utcOffsetMinutes: 120 },
    });
    const [template] = await loadBars(db.orm, 'GBPUSDm', MARCH_2026);
    // Another export's bar that day, and the same file name's bar of another week.
    await storeBars(db.orm, [{ ...template!, openTime: Date.UTC(2026, 2, 10, 12, 0) }], {
      ...base,
      source: 'another-export.csv',
    });
    await storeBars(db.orm, [{ ...template!, openTime: Date.UTC(2026, 2, 1, 12, 0) }], base);
    const again = { ...base, serverClock: { kind: 'offset' as const, utcOffsetMinutes: 180 } };
    expect(await importMt5Csv(db.orm, [HEADER, ...rows].join('\n'), again)).toEqual({ stored: 2, removed: 0 });
    expect(await countFor('GBPUSDm')).toBe(6);
    // A file of 16:59 alone spans 13:59 UTC; the file's earlier bars within a day of it go too.
    const replacing = [HEADER, rows[1]].join('\n');
    expect(await importMt5Csv(db.orm, replacing, { ...again, replace: true })).toEqual({ stored: 1, removed: 4 });
    const times = (await loadBars(db.orm, 'GBPUSDm', MARCH_2026)).map((bar) => new Date(bar.openTime).toISOString());
    expect(times).toEqual(['2026-03-01T12:00:00.000Z', '2026-03-10T12:00:00.000Z', '2026-03-10T13:59:00.000Z']);
  });

  it('rejects a file with malformed lines, naming them, and stores nothing', async () => {
    const text = [
      HEADER,
      row('12:00', '2915.10', '2916.00', '2914.50', '2915.80'),
      row('12:01', '2915.80', '2915.00', '2915.60', '2917.00'),
      row('12:02', 'x', '2917.25', '2915.60', '2917.00'),
    ].join('\n');
    const attempt = importMt5Csv(db.orm, text, {
      symbol: 'BAD1',
      source: 'bad.csv',
      serverClock: { kind: 'offset' as const, utcOffsetMinutes: 0 },
    });
    await expect(attempt).rejects.toBeInstanceOf(Mt5CsvError);
    await expect(attempt).rejects.toMatchObject({ problems: [{ line: 3 }, { line: 4 }] });
    expect(await countFor('BAD1')).toBe(0);
  });

  it('leaves nothing behind when the database refuses a row part-way through', async () => {
    // Row 3 parses but overflows NUMERIC(18,8); with 2 rows per statement the first batch was already sent.
    const text = [
      row('12:00', '2915.10', '2916.00', '2914.50', '2915.80'),
      row('12:01', '2915.80', '2917.25', '2915.60', '2917.00'),
      row('12:02', '2917.00', '123456789012.00', '2916.00', '2917.00'),
    ].join('\n');
    await expect(
      importMt5Csv(db.orm, text, {
        symbol: 'BAD2',
        source: 'overflow.csv',
        serverClock: { kind: 'offset' as const, utcOffsetMinutes: 0 },
        batchSize: 2,
      }),
    ).rejects.toThrow();
    expect(await countFor('BAD2')).toBe(0);
  });
});
