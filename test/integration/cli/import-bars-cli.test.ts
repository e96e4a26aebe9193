// `scalper import-bars` as an operator runs it: an MT5 export stored whole or refused naming its
// bad lines, its times read on the server's clock (a fixed offset, or one that follows summer
// time), and read again with --replace. A separate process against the real database.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MarketBar } from '../../../db/entities/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { runScalper } from '../../support/scalper-cli.ts';

let db: TestDatabase;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  db = await createTestDatabase();
  env = { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' };
});

afterAll(() => db?.drop());

function scalper(...args: string[]) {
  return runScalper(args, env);
}

describe('scalper import-bars', () => {
  it('imports an MT5 bar export, or rejects it whole naming the bad lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scalper-cli-'));
    const good = join(dir, 'good.csv');
    await writeFile(
      good,
      [
        '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>',
        '2026.11.20\t10:00\t2650.10\t2651.00\t2649.90\t2650.50\t120\t0\t18',
        '2026.11.20\t10:01\t2650.50\t2650.90\t2650.00\t2650.20\t95\t0\t20',
      ].join('\n'),
    );
    const imported = await scalper('import-bars', good, '--symbol', 'XAUUSDm', '--utc-offset', '120');
    expect(imported).toMatchObject({
      code: 0,
      stdout: `imported 2 XAUUSDm bars from ${good} (server times read as UTC+2)\n`,
    });
    const first = await db.orm.em
      .fork()
      .findOneOrFail(MarketBar, { symbol: 'XAUUSDm' }, { orderBy: { openTime: 'asc' } });
    expect(first.openTime.toISOString()).toBe('2026-11-20T08:00:00.000Z');

    const bad = join(dir, 'bad.csv');
    await writeFile(
      bad,
      [
        '2026.11.21\t10:00\t2650.10\t2651.00\t2649.90\t2650.50\t120\t0\t18',
        '2026.11.21\t10:01\t2650.50\tabc\t2650.00\t2650.20\t95\t0\t20',
      ].join('\n'),
    );
    const rejected = await scalper('import-bars', bad, '--symbol', 'XAUUSDm');
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toMatch(/line 2/);
    const unknownSymbol = await scalper('import-bars', good, '--symbol', 'NOPE');
    expect(unknownSymbol).toMatchObject({
      code: 2,
      stderr: 'scalper: invalid settings: account paper-1 offers no symbol NOPE; it offers XAUUSDm, EURUSDm\n',
    });
    expect(await db.orm.em.fork().count(MarketBar, {})).toBe(2);

    // As `npm run scalper` runs it: from the project root, with the user's directory in INIT_CWD.
    const fromUserDir = (...args: string[]) => runScalper(args, { ...env, INIT_CWD: dir });
    await expect(fromUserDir('import-bars', 'good.csv', '--symbol', 'XAUUSDm')).resolves.toMatchObject({
      code: 0,
      stdout: 'imported 2 XAUUSDm bars from good.csv (server times read as UTC+0)\n',
    });
    await expect(fromUserDir('import-bars', 'missing.csv', '--symbol', 'XAUUSDm')).resolves.toMatchObject({
      code: 1,
      stderr: `scalper: cannot read missing.csv (${join(dir, 'missing.csv')}): no such file\n`,
    });
  });

  it("imports bars written on a server's clock that follows New York's summer time (NY+7)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scalper-cli-'));
    const file = join(dir, 'ny7.csv');
    const row = (date: string, time: string) => `${date}\t${time}\t1.0850\t1.0860\t1.0840\t1.0855\t50\t0\t8`;
    // GMT+3 in July, GMT+2 in late November: one fixed offset would put one of them an hour off.
    await writeFile(file, [row('2026.07.20', '10:00'), row('2026.11.20', '10:00')].join('\n'));
    const imported = await scalper('import-bars', file, '--symbol', 'EURUSDm', '--server-clock', 'America/New_York+7');
    expect(imported).toMatchObject({
      code: 0,
      stdout: `imported 2 EURUSDm bars from ${file} (server times read as America/New_York+7)\n`,
    });
    const bars = await db.orm.em.fork().find(MarketBar, { symbol: 'EURUSDm' }, { orderBy: { openTime: 'asc' } });
    expect(bars.map((bar) => bar.openTime.toISOString())).toEqual([
      '2026-07-20T07:00:00.000Z',
      '2026-11-20T08:00:00.000Z',
    ]);
    const both = await scalper(
      'import-bars',
      file,
      '--symbol',
      'EURUSDm',
      '--utc-offset',
      '120',
      '--server-clock',
      'UTC',
    );
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("option '--server-clock <zone[±hours]>' cannot be used with option '--utc-offset");
    const unknown = await scalper('import-bars', file, '--symbol', 'EURUSDm', '--server-clock', 'Broker/Time+2');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      "option '--server-clock <zone[±hours]>' argument 'Broker/Time+2' is invalid. not a time zone, or one with a shift in hours",
    );
    const posix = await scalper('import-bars', file, '--symbol', 'EURUSDm', '--server-clock', 'Etc/GMT+2');
    expect(posix.stderr).toContain("the opposite of a broker's GMT+2 (Etc/GMT+2 is UTC−2)");
    const replaced = await scalper('import-bars', file, '--symbol', 'EURUSDm', '--server-clock', 'UTC+2', '--replace');
    expect(replaced).toMatchObject({
      code: 0,
      stdout: `imported 2 EURUSDm bars from ${file} (server times read as UTC+2); 2 stored before removed first\n`,
    });
    // Read as UTC+2 all year: July's bar an hour later than before, November's where it was.
    const reread = await db.orm.em.fork().find(MarketBar, { symbol: 'EURUSDm' }, { orderBy: { openTime: 'asc' } });
    expect(reread.map((bar) => bar.openTime.toISOString())).toEqual([
      '2026-07-20T08:00:00.000Z',
      '2026-11-20T08:00:00.000Z',
    ]);
  });
});
