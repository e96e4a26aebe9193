// The `scalper` CLI as an operator runs it: a separate process against the real servers.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markKillSwitchTripped } from '../../../bots/bot-rows.ts';
import { BotSchedules } from '../../../bots/schedule.ts';
import { AuditLog, Bot } from '../../../db/entities/index.ts';
import { freePort } from '../../../infra/ports.ts';
import type { TemporalConnections } from '../../../infra/startup.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { connectTestTemporal, uniqueTaskQueue } from '../../support/temporal.ts';
import { runScalper } from '../../support/scalper-cli.ts';

let db: TestDatabase;
let temporal: TemporalConnections;
let schedules: BotSchedules;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  db = await createTestDatabase();
  temporal = await connectTestTemporal();
  const taskQueue = uniqueTaskQueue('unpolled');
  schedules = new BotSchedules(temporal.client, taskQueue);
  env = { ...process.env, DATABASE_URL: db.url, TEMPORAL_TASK_QUEUE: taskQueue, LOG_LEVEL: 'silent' };
});

afterAll(async () => {
  for (const bot of await db.orm.em.fork().find(Bot, {})) await schedules.remove(bot.id);
  await temporal.close();
  await db.drop();
});

function scalper(...args: string[]) {
  return runScalper(args, env);
}

/** A bot of its own for a test, created as an operator would. */
async function setupBot(name: string) {
  expect(await scalper('setup-bot', '--symbol', 'XAUUSDm', '--name', name)).toMatchObject({ code: 0, stderr: '' });
  return db.orm.em.fork().findOneOrFail(Bot, { name });
}

describe('scalper CLI', () => {
  it('setup-bot creates the bot and its schedule, as the seed quick-start did', async () => {
    const result = await scalper('setup-bot', '--symbol', 'XAUUSDm', '--auto-trade');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const bot = await db.orm.em.fork().findOneOrFail(Bot, { name: 'scalper-xauusdm' });
    expect(bot).toMatchObject({
      symbol: 'XAUUSDm',
      autoTrade: true,
      enabledStrategies: ['pin_bar', 'trend_pullback', 'doji_breakout', 'range_reversion'],
    });
    expect(result.stdout).toContain(`created bot ${bot.id} scalper-xauusdm: XAUUSDm`);
    await expect(schedules.state(bot.id)).resolves.toMatchObject({ exists: true, paused: false });
  });

  it('setup-bot takes risk settings, strategy parameters and the lookback, and refuses bad ones writing nothing', async () => {
    const result = await scalper(
      'setup_scalper_bot',
      '--symbol',
      'XAUUSDm',
      '--name',
      'cli-own-risk',
      '--auto-trade',
      '--risk',
      'riskPerTradePct=0.25',
      '--risk',
      'maxConcurrentPositions=1',
      '--param',
      'pin_bar.maxBodyRatio=0.3',
      '--lookback',
      '900',
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const bot = await db.orm.em.fork().findOneOrFail(Bot, { name: 'cli-own-risk' });
    expect(bot).toMatchObject({
      autoTrade: true,
      lookback: 900,
      riskSettings: { riskPerTradePct: 0.25, maxConcurrentPositions: 1, decisionMinScore: 0.5 },
      strategyParams: { pin_bar: { maxBodyRatio: 0.3, rewardRisk: 1.5 } },
    });
    await expect(schedules.state(bot.id)).resolves.toMatchObject({ exists: true, paused: false });

    for (const [option, named] of [
      ['riskPerTradePct=250', 'riskPerTradePct'],
      ['martingale=true', 'martingale'],
    ]) {
      const refused = await scalper('setup-bot', '--symbol', 'XAUUSDm', '--name', 'cli-refused', '--risk', option!);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(named);
    }
    const badParam = await scalper(
      'setup-bot',
      '--symbol',
      'XAUUSDm',
      '--name',
      'cli-refused',
      '--param',
      'maxBodyRatio=1',
    );
    expect(badParam.code).toBe(1);
    expect(badParam.stderr).toContain(
      "option '--param <strategy.key=value>' argument 'maxBodyRatio=1' is invalid. expected strategy.param=value",
    );
    expect(await db.orm.em.fork().count(Bot, { name: 'cli-refused' })).toBe(0);
  });

  it('pause, reduce and resume reach Temporal; bots and show give the trading state Temporal implies', async () => {
    const bot = await setupBot('cli-pause');
    const line = async () => (await scalper('bots')).stdout.split('\n').find((l) => l.startsWith(`${bot.id}\t`));
    expect((await scalper('pause', String(bot.id), '--reason', 'NFP in 5 minutes')).code).toBe(0);
    await expect(schedules.state(bot.id)).resolves.toMatchObject({ paused: true, note: 'NFP in 5 minutes' });
    expect(await line()).toMatch(new RegExp(`\tpaused\t.*scalper-bot-${bot.id}: paused \\(NFP in 5 minutes\\)$`));
    // The trading state comes first, right after the id.
    expect(await line()).toMatch(new RegExp(`^${bot.id}\tpaused\tcli-pause\tXAUUSDm\t`));
    // Reducing: cycles run again to manage positions, but nothing opens.
    expect(await scalper('reduce', String(bot.id), '--reason', 'end of session')).toMatchObject({
      code: 0,
      stdout: `bot ${bot.id} reducing: end of session\n`,
    });
    await expect(schedules.state(bot.id)).resolves.toMatchObject({ paused: false, note: 'end of session' });
    expect(await line()).toMatch(new RegExp(`\treducing\t.*scalper-bot-${bot.id}: running$`));
    const shown = JSON.parse((await scalper('show', String(bot.id))).stdout);
    expect(shown).toMatchObject({
      status: 'reducing',
      tradingState: { state: 'reducing', reason: 'reducing: positions are managed, none opened' },
      openPositions: { positions: [], unrealizedPnl: 0 },
    });
    expect(Object.keys(shown)[0]).toBe('tradingState');
    expect((await scalper('resume', String(bot.id))).code).toBe(0);
    expect(await line()).toMatch(new RegExp(`\tactive\t.*scalper-bot-${bot.id}: running$`));

    // The automatic kill-switch's trip is lifted only by a resume that says so, though a terminal's
    // pause has replaced its note.
    await schedules.pause(bot.id, 'news in 5 minutes');
    await markKillSwitchTripped(db.orm.em.fork(), bot.id, 'unrealised loss 5.10% of the balance');
    expect(await line()).toMatch(new RegExp(`\tkill-switch tripped \\d{4}-\\d\\d-\\d\\dT\\S+Z$`));
    expect(JSON.parse((await scalper('show', String(bot.id))).stdout)).toMatchObject({
      killSwitch: { reason: 'unrealised loss 5.10% of the balance' },
    });
    const refused = await scalper('resume', String(bot.id));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('resume it with --lift-kill-switch');
    await expect(schedules.state(bot.id)).resolves.toMatchObject({ paused: true });
    expect((await scalper('resume', String(bot.id), '--lift-kill-switch', '--reason', 'loss reviewed')).code).toBe(0);
    await expect(schedules.state(bot.id)).resolves.toMatchObject({ paused: false, note: 'loss reviewed' });
    expect(await line()).toMatch(new RegExp(`\tactive\t.*scalper-bot-${bot.id}: running$`));
    expect(JSON.parse((await scalper('show', String(bot.id))).stdout)).toMatchObject({ killSwitch: null });
  });

  it('configure changes strategies, risk settings and parameters; show lists them', async () => {
    const bot = await setupBot('cli-configure');
    const result = await scalper(
      'configure',
      String(bot.id),
      '--strategies',
      'pin_bar,doji_breakout',
      '--auto-trade',
      'off',
      '--interval',
      '60',
      '--risk',
      'maxConcurrentPositions=2',
      '--risk',
      'correlationBlock=false',
      '--param',
      'pin_bar.maxBodyRatio=0.3',
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const shown = JSON.parse((await scalper('show', String(bot.id))).stdout);
    expect(shown).toMatchObject({
      enabledStrategies: ['pin_bar', 'doji_breakout'],
      autoTrade: false,
      scheduleIntervalSeconds: 60,
      riskSettings: { maxConcurrentPositions: 2, correlationBlock: false, decisionMinScore: 0.5 },
      strategyParams: { pin_bar: { maxBodyRatio: 0.3, rewardRisk: 1.5 } },
      schedule: { exists: true, paused: false },
    });
    const invalid = await scalper('configure', String(bot.id), '--risk', 'riskPerTradePct=250');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('riskPerTradePct');
    const unknownParam = await scalper('configure', String(bot.id), '--risk', 'martingale=true');
    expect(unknownParam.code).toBe(2);
    expect(unknownParam.stderr).toContain('martingale');
    const unknownSymbol = await scalper('configure', String(bot.id), '--symbol', 'NOPE');
    expect(unknownSymbol).toMatchObject({
      code: 2,
      stderr: 'scalper: invalid settings: account paper-1 offers no symbol NOPE; it offers XAUUSDm, EURUSDm\n',
    });
  });

  it('configure with nothing to change says so and writes nothing', async () => {
    const bot = await setupBot('cli-nothing');
    for (const args of [[], ['--auto-trade', 'off', '--interval', '45']]) {
      expect(await scalper('configure', String(bot.id), ...args)).toMatchObject({
        code: 0,
        stdout: `bot ${bot.id}: nothing to change (version ${bot.version})\n`,
      });
    }
    expect((await db.orm.em.fork().findOneOrFail(Bot, bot.id)).version).toBe(bot.version);
    expect(await db.orm.em.fork().count(AuditLog, { bot: bot.id, event: 'bot_updated' })).toBe(0);
  });

  it("delete removes a flat bot and its schedule; the bot's name is free again", async () => {
    const created = await scalper('setup-bot', '--symbol', 'EURUSDm', '--name', 'to-delete');
    expect(created.code).toBe(0);
    const bot = await db.orm.em.fork().findOneOrFail(Bot, { name: 'to-delete' });
    expect(await scalper('delete', String(bot.id), '--reason', 'retired')).toMatchObject({
      code: 0,
      stdout: `bot ${bot.id} deleted: retired\n`,
    });
    await expect(schedules.state(bot.id)).resolves.toMatchObject({ exists: false });
    expect((await scalper('bots')).stdout).not.toContain('to-delete');
    expect(await scalper('show', String(bot.id))).toMatchObject({
      code: 1,
      stderr: `scalper: bot ${bot.id} does not exist\n`,
    });
    expect(await scalper('setup-bot', '--symbol', 'XAUUSDm', '--name', 'to-delete')).toMatchObject({
      code: 0,
      stderr: '',
    });
  });

  it('refuses bad input with a message naming it', async () => {
    const unknown = await scalper('setup-bot', '--symbol', 'EURUSDm', '--strategies', 'pin_bar,martingale');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('unknown martingale');
    const duplicate = await scalper('setup-bot', '--symbol', 'XAUUSDm');
    expect(duplicate).toMatchObject({ code: 1 });
    expect(duplicate.stderr).toContain('a bot named scalper-xauusdm already exists');
    const unknownSymbol = await scalper('setup-bot', '--symbol', 'NOPE');
    expect(unknownSymbol).toMatchObject({
      code: 2,
      stderr: 'scalper: invalid settings: account paper-1 offers no symbol NOPE; it offers XAUUSDm, EURUSDm\n',
    });
    const unknownAccount = await scalper('setup-bot', '--symbol', 'XAUUSDm', '--name', 'real', '--account', '31415');
    expect(unknownAccount.code).toBe(2);
    expect(unknownAccount.stderr).toContain('no broker serves account 31415');
    expect(await db.orm.em.fork().count(Bot, { name: { $in: ['scalper-nope', 'real'] } })).toBe(0);
    const notANumber = await scalper('pause', 'one');
    expect(notANumber.code).not.toBe(0);
    expect(notANumber.stderr).toContain('not a whole number');
    const missing = await scalper('pause', '999999');
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain('bot 999999 does not exist');
  });
});

describe('with Temporal unreachable', () => {
  it("the database's commands work without loading Temporal's client; a bot's command fails naming TEMPORAL_ADDRESS", async () => {
    const downEnv = { ...env, TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` };
    const refuseClient = fileURLToPath(new URL('../../support/refuse-temporal-client.ts', import.meta.url));
    const databaseOnly = (...args: string[]) =>
      runScalper(args, { ...downEnv, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --import=${refuseClient}` });

    expect(await databaseOnly('token', 'create', '--name', 'temporal-down')).toMatchObject({ code: 0, stderr: '' });
    expect(await databaseOnly('token', 'list')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('temporal-down'),
    });
    expect(await databaseOnly('account', 'list')).toMatchObject({ code: 0, stderr: '' });
    const csv = join(await mkdtemp(join(tmpdir(), 'scalper-cli-')), 'bars.csv');
    await writeFile(
      csv,
      [
        '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>',
        '2026.11.20\t10:00\t2650.10\t2651.00\t2649.90\t2650.50\t120\t0\t18',
      ].join('\n'),
    );
    expect(await databaseOnly('import-bars', csv, '--symbol', 'XAUUSDm')).toMatchObject({ code: 0, stderr: '' });
    // The database answered: it holds no bars in that week.
    const backtest = await databaseOnly(
      'backtest',
      ...['--symbol', 'XAUUSDm', '--source', 'database', '--from', '2026-11-02', '--to', '2026-11-06'],
    );
    expect(backtest).toMatchObject({ code: 2, stderr: expect.stringContaining('--source database: no XAUUSDm bars') });

    const bots = await runScalper(['bots'], downEnv);
    expect(bots.code).toBe(1);
    expect(bots.stderr).toContain(`cannot use Temporal at TEMPORAL_ADDRESS=${downEnv.TEMPORAL_ADDRESS}`);
    // The hook refuses the client: the bots' command, which needs it, fails with it on.
    expect((await databaseOnly('bots')).stderr).toMatch(/@temporalio\/\S+ was asked for, by file:/);
  });
});
