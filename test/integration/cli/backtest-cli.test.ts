// `scalper backtest` as an operator runs it: a separate process, output piped (not a terminal),
// the engine's database only for --bot and the database source.
// Over 300 lines on purpose: every source, flag and bad input of one command, side by side.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BacktestResult, BacktestSettings } from '../../../backtest/types.ts';
import { phaseOf } from '../../../bots/cycle-timing.ts';
import { BotSchedules } from '../../../bots/schedule.ts';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { Bot } from '../../../db/entities/index.ts';
import type { TemporalConnections } from '../../../infra/startup.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { connectTestTemporal, uniqueTaskQueue } from '../../support/temporal.ts';
import { runScalper } from '../../support/scalper-cli.ts';

let db: TestDatabase;
let temporal: TemporalConnections;
let schedules: BotSchedules;
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  temporal = await connectTestTemporal();
  const taskQueue = uniqueTaskQueue('unpolled');
  schedules = new BotSchedules(temporal.client, taskQueue);
  env = { ...process.env, DATABASE_URL: db.url, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'silent' };
  dir = await mkdtemp(join(tmpdir(), 'scalper-backtest-cli-'));
});

afterAll(async () => {
  for (const bot of await db.orm.em.fork().find(Bot, {})) await schedules.remove(bot.id);
  await temporal.close();
  await db.drop();
});

function scalper(...args: string[]) {
  return runScalper(args, env);
}

/** A CSV file's data rows, split into fields (the files written here quote nothing). */
async function csvRows(path: string): Promise<string[][]> {
  const lines = (await readFile(path, 'utf8')).split('\r\n').filter((line) => line !== '');
  return lines.slice(1).map((line) => line.split(','));
}

async function json<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

const cents = (value: number) => Math.round(value * 100);

describe('scalper backtest', () => {
  it('backtests 3 days of the synthetic feed: the stats printed, the files written and consistent', async () => {
    const out = join(dir, 'three-days');
    const result = await scalper(
      'backtest',
      '--symbol',
      'XAUUSDm',
      '--from',
      '2025-03-03',
      '--to',
      '2025-03-05',
      '--out',
      out,
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('XAUUSDm  2025-03-03 00:00 UTC → 2025-03-06 00:00 UTC  (synthetic feed, seed 42)');
    expect(result.stdout).toMatch(
      /^Strategy +Trades +Win rate +Profit factor +Expectancy +Avg win +Avg loss +Net P&L +Max DD +Max DD % +Losing streak +Exposure$/m,
    );
    expect(result.stdout).toMatch(/^All strategies +\d/m);
    expect(result.stdout).toMatch(/^backtested 4,320 bars in [\d.]+ s \([\d,]+ bars\/s\)/m);
    // Piped output gets no progress bar: no carriage returns, no escape sequences.
    for (const control of ['\r', '\u001b']) expect(result.stdout + result.stderr).not.toContain(control);
    for (const name of ['report.html', 'result.json', 'trades.csv', 'equity.csv', 'settings.json'])
      expect(result.stdout).toContain(`wrote ${join(out, name)}`);

    const backtest = await json<BacktestResult>(join(out, 'result.json'));
    const trades = await csvRows(join(out, 'trades.csv'));
    expect(backtest.bars).toBe(3 * 1440);
    expect(backtest.overall.count).toBeGreaterThan(0);
    expect(trades).toHaveLength(backtest.overall.count);
    expect(trades).toHaveLength(backtest.trades.length);
    const pnlSum = trades.reduce((sum, row) => sum + cents(Number(row[13])), 0);
    expect(pnlSum).toBe(cents(backtest.overall.netPnl));
    expect(cents(backtest.finalBalance - backtest.startingBalance)).toBe(cents(backtest.overall.netPnl));
    const equity = await csvRows(join(out, 'equity.csv'));
    expect(equity).toHaveLength(backtest.trades.length + 1);
    expect(Number(equity.at(-1)![1])).toBe(backtest.finalBalance);
    expect(await readFile(join(out, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
  });

  it("--bot copies a bot's settings; flags change them on top; --json prints only JSON", async () => {
    const created = await scalper('setup-bot', '--symbol', 'EURUSDm', '--name', 'bt-bot', '--paused');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    const bot = await db.orm.em.fork().findOneOrFail(Bot, { name: 'bt-bot' });
    const configured = await scalper(
      ...['configure', String(bot.id), '--strategies', 'pin_bar,range_reversion', '--after-bar-close', '7'],
      ...['--param', 'pin_bar.maxBodyRatio=0.3', '--risk', 'riskPerTradePct=1'],
    );
    expect(configured.code).toBe(0);
    const out = join(dir, 'bot');
    const args = ['--bot', String(bot.id), '--from', '2025-03-03', '--to', '2025-03-03', '--out', out, '--json'];
    const result = await scalper('backtest', ...args, '--risk', 'maxConcurrentPositions=1');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as BacktestResult;
    expect(summary).toMatchObject({ symbol: 'EURUSDm', bars: 1440 });
    expect(summary).not.toHaveProperty('trades');
    expect(result.stderr).toContain(`wrote ${join(out, 'settings.json')}`);
    const settings = await json<BacktestSettings>(join(out, 'settings.json'));
    expect(settings).toMatchObject({
      symbol: 'EURUSDm',
      enabledStrategies: ['pin_bar', 'range_reversion'],
      strategyParams: { pin_bar: { maxBodyRatio: 0.3 } },
      riskSettings: { riskPerTradePct: 1, maxConcurrentPositions: 1 },
      lookback: bot.lookback,
      schedule: { kind: 'bar_close', delaySeconds: 7 },
      costs: { commissionPerLot: 3.5, spreadPoints: null },
    });
    expect(Object.keys(summary.byStrategy).every((name) => ['pin_bar', 'range_reversion'].includes(name))).toBe(true);

    // What `scalper show` prints is a settings file: the same settings on another symbol.
    const shown = join(dir, 'bot.json');
    await writeFile(shown, (await scalper('show', String(bot.id))).stdout);
    const fromFile = join(dir, 'bot-file');
    const onGold = await scalper(
      'backtest',
      '--symbol',
      'XAUUSDm',
      '--settings',
      shown,
      '--from',
      '2025-03-03',
      '--to',
      '2025-03-03',
      '--out',
      fromFile,
    );
    expect(onGold.code).toBe(0);
    expect(await json<BacktestSettings>(join(fromFile, 'settings.json'))).toMatchObject({
      symbol: 'XAUUSDm',
      enabledStrategies: ['pin_bar', 'range_reversion'],
      strategyParams: { pin_bar: { maxBodyRatio: 0.3 } },
      riskSettings: { riskPerTradePct: 1, maxConcurrentPositions: 3 },
      lookback: bot.lookback,
    });
  });

  it("--bot runs an interval bot's cycles at its phase; --cycle-interval asks for another grid", async () => {
    expect(await scalper('setup-bot', '--symbol', 'XAUUSDm', '--name', 'bt-every-45', '--paused')).toMatchObject({
      code: 0,
    });
    const bot = await db.orm.em.fork().findOneOrFail(Bot, { name: 'bt-every-45' });
    const scheduleOf = async (out: string, ...flags: string[]) => {
      const args = ['--bot', String(bot.id), '--from', '2025-03-03', '--to', '2025-03-03', '--out', out, '--json'];
      expect((await scalper('backtest', ...args, ...flags)).code).toBe(0);
      return (await json<BacktestSettings>(join(out, 'settings.json'))).schedule;
    };
    expect(await scheduleOf(join(dir, 'every-45'))).toEqual({
      kind: 'interval',
      everySeconds: 45,
      offsetMs: phaseOf(bot.id, 45),
    });
    expect(await scheduleOf(join(dir, 'every-60'), '--cycle-interval', '60')).toEqual({
      kind: 'interval',
      everySeconds: 60,
      offsetMs: 0,
    });
  });

  it('backtests an MT5 CSV export, and the same bars imported, exactly as the feed', async () => {
    // The synthetic bars of 4 March 2025 and the day before, exported as a GMT+2 server writes them.
    const from = Date.UTC(2025, 2, 4);
    const bars = createSyntheticFeed({ seed: 42 }).barsBetween('XAUUSDm', from - 86_400_000, from + 90_000_000);
    const serverTime = (time: number) => new Date(time + 120 * 60_000).toISOString();
    const lines = bars.map((bar) => {
      const [date = '', time = ''] = serverTime(bar.openTime).split('T');
      const prices = [bar.open, bar.high, bar.low, bar.close].map(String);
      return [date.replaceAll('-', '.'), time.slice(0, 5), ...prices, bar.tickVolume, 0, bar.spread].join('\t');
    });
    const csv = join(dir, 'XAUUSDm_M1.csv');
    await writeFile(
      csv,
      ['<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>', ...lines].join('\n'),
    );
    const common = ['--symbol', 'XAUUSDm', '--from', '2025-03-04', '--to', '2025-03-04', '--strategies', 'pin_bar'];
    const fromCsv = await scalper(
      'backtest',
      ...common,
      '--csv',
      csv,
      '--utc-offset',
      '120',
      '--out',
      join(dir, 'csv'),
    );
    expect(fromCsv.code).toBe(0);
    expect(fromCsv.stdout).toContain(`(MT5 export ${csv}, server times read as UTC+2)`);
    const fromFeed = await scalper('backtest', ...common, '--out', join(dir, 'feed'));
    expect(fromFeed.code).toBe(0);
    const csvResult = await json<BacktestResult>(join(dir, 'csv', 'result.json'));
    const feedResult = await json<BacktestResult>(join(dir, 'feed', 'result.json'));
    expect(csvResult.bars).toBe(1440);
    expect(csvResult.overall.count).toBeGreaterThan(0);
    expect({ ...csvResult, elapsedMs: 0 }).toEqual({ ...feedResult, elapsedMs: 0 });

    // The same export imported into the database.
    expect((await scalper('import-bars', csv, '--symbol', 'XAUUSDm', '--utc-offset', '120')).code).toBe(0);
    const fromDatabase = await scalper('backtest', ...common, '--source', 'database', '--out', join(dir, 'database'));
    expect(fromDatabase.code).toBe(0);
    const databaseResult = await json<BacktestResult>(join(dir, 'database', 'result.json'));
    expect({ ...databaseResult, elapsedMs: 0 }).toEqual({ ...feedResult, elapsedMs: 0 });
  });

  it('--sweep ranks the points over worker threads and writes every point to sweep.csv', async () => {
    const out = join(dir, 'sweep');
    const period = ['--symbol', 'XAUUSDm', '--from', '2025-03-03', '--to', '2025-03-04', '--strategies', 'pin_bar'];
    const result = await scalper(
      ...['backtest', ...period, '--sweep', 'pin_bar.maxBodyRatio=0.25:0.35:0.05', '--threads', '2', '--out', out],
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('XAUUSDm sweep: 3 points, best 3 by netPnl');
    expect(result.stdout).toMatch(/^ *# +pin_bar\.maxBodyRatio +Trades +Net P&L/m);
    expect(result.stdout).toContain(`wrote ${join(out, 'sweep.csv')}`);
    const rows = await csvRows(join(out, 'sweep.csv'));
    expect(rows.map((row) => row[0])).toEqual(['1', '2', '3']);
    expect(rows.map((row) => Number(row[1])).sort()).toEqual([0.25, 0.3, 0.35]);
    const netPnls = rows.map((row) => Number(row[8]));
    expect(netPnls).toEqual([...netPnls].sort((a, b) => b - a));
    // The best point, run alone, gives the same net P&L.
    const best = await scalper(
      'backtest',
      ...period,
      '--param',
      `pin_bar.maxBodyRatio=${rows[0]![1]}`,
      '--out',
      join(out, 'best'),
    );
    expect(best.code).toBe(0);
    const alone = await json<BacktestResult>(join(out, 'best', 'result.json'));
    expect(cents(alone.overall.netPnl)).toBe(cents(netPnls[0]!));
  });

  it('--walk-forward optimises on one window, tests on the next, and judges the overfitting', async () => {
    const out = join(dir, 'walk-forward');
    const result = await scalper(
      ...['backtest', '--symbol', 'XAUUSDm', '--from', '2025-03-03', '--to', '2025-03-05', '--strategies', 'pin_bar'],
      ...['--sweep', 'pin_bar.maxBodyRatio=0.25,0.35', '--walk-forward', '2', '--threads', '2', '--out', out],
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('XAUUSDm walk-forward: 2 folds × 2 points, ranked by netPnl');
    expect(result.stdout).toMatch(
      /^ +1 +2025-03-03 → 2025-03-04 +2025-03-04 → 2025-03-05 +pin_bar\.maxBodyRatio=0\.\d+ /m,
    );
    expect(result.stdout).toMatch(/^ +2 +2025-03-04 → 2025-03-05 +2025-03-05 → 2025-03-06 /m);
    expect(result.stdout).toMatch(/^(WARNING: likely overfitted|overfitting check: )/m);
    expect(await csvRows(join(out, 'walk-forward.csv'))).toHaveLength(2);
  });

  it('refuses bad input with exit code 2 and one line naming the option, writing nothing', async () => {
    // Two exports pasted together: cut to the period by time, the bars after the break would be lost.
    const unordered = join(dir, 'unordered.csv');
    await writeFile(
      unordered,
      [
        '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>',
        '2025.03.03\t00:00\t2900.00\t2900.50\t2899.50\t2900.20\t10\t0\t20',
        '2025.03.04\t00:00\t2901.00\t2901.50\t2900.50\t2901.20\t10\t0\t20',
        '2025.03.03\t00:01\t2900.20\t2900.70\t2899.70\t2900.40\t10\t0\t20',
      ].join('\n'),
    );
    const cases: Array<[string[], string]> = [
      [
        ['--csv', unordered],
        `--csv ${unordered}: MT5 bar file rejected, 1 bad line(s): line 4: time is not after line 3's (times must be ascending and unique)`,
      ],
      [['--from', '2025-13-01'], '--from 2025-13-01: not a date'],
      [['--to', '2025-02-30'], '--to 2025-02-30: not a date'],
      [['--from', '2025-03-05', '--to', '2025-03-01'], '--to 2025-03-01: must be later than --from'],
      [['--param', 'pin_bar.maxBodyRatoi=0.3'], '--param pin_bar.maxBodyRatoi=0.3: unknown parameter'],
      [['--param', 'pin_bar.maxBodyRatio=7'], '--param pin_bar.maxBodyRatio=7: Too big'],
      [['--risk', 'martingale=true'], '--risk martingale=true: unknown risk setting'],
      [['--strategies', 'pin_bar,martingale'], '--strategies pin_bar,martingale: unknown martingale'],
      [['--balance', 'lots'], '--balance lots: not a number'],
      [['--account-mode', 'both'], '--account-mode both: hedging or netting'],
      [['--bot', '999999'], '--bot 999999: bot 999999 does not exist'],
      [['--csv', join(dir, 'missing.csv')], `--csv ${join(dir, 'missing.csv')}: cannot read`],
      [
        ['--source', 'database', '--from', '2024-01-01', '--to', '2024-01-01'],
        '--source database: no XAUUSDm bars in [2024-01-01T00:00:00.000Z, 2024-01-02T00:00:00.000Z)',
      ],
      [
        ['--sweep', 'pin_bar.maxBodyRatio=0.4:0.2:0.1'],
        '--sweep pin_bar.maxBodyRatio=0.4:0.2:0.1: from must not exceed to',
      ],
      [['--walk-forward', '2'], '--walk-forward 2: needs --sweep'],
    ];
    for (const [args, message] of cases) {
      const out = join(dir, `bad-${args.join('_').replace(/[^\w.-]/g, '')}`.slice(0, 100));
      const result = await scalper(
        'backtest',
        '--symbol',
        'XAUUSDm',
        '--from',
        '2025-03-03',
        '--to',
        '2025-03-03',
        ...args,
        '--out',
        out,
      );
      expect({ args, code: result.code }).toEqual({ args, code: 2 });
      expect(result.stderr).toMatch(/^scalper: [^\n]+\n$/);
      expect(result.stderr).toContain(`scalper: ${message}`);
      expect(existsSync(out)).toBe(false);
    }
    const unknownSymbol = await scalper('backtest', '--symbol', 'XYZ', '--out', join(dir, 'xyz'));
    expect(unknownSymbol).toMatchObject({
      code: 2,
      stderr: 'scalper: --symbol XYZ: not a paper symbol (XAUUSDm, EURUSDm)\n',
    });
    expect(existsSync(join(dir, 'xyz'))).toBe(false);
  });
});
