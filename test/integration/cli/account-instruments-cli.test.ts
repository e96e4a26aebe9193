// `scalper account set-instrument` and the facts `account add` and `account check` say are assumed,
// against the real Python gateway on its simulated terminal: a pip or commission left out is named
// with the command that sets it, set later without removing the account, audited, and a bad change
// is refused naming what is wrong, with nothing written.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { BrokerDirectory } from '../../../bots/broker-directory.ts';
import { createPostgresStateStore } from '../../../brokers/paper/postgres-store.ts';
import { BrokerAccounts } from '../../../db/broker-accounts.ts';
import { refreshInstrument } from '../../../activities/instrument-cache.ts';
import { AuditLog, BrokerAccount, Instrument } from '../../../db/entities/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { type GatewayProcess, startGateway } from '../../support/gateway-process.ts';
import { startGatewayProxy } from '../../support/gateway-proxy.ts';
import { newBotRow } from '../../support/bot-row.ts';
import { runScalper } from '../../support/scalper-cli.ts';

let db: TestDatabase;
let gateway: GatewayProcess;

beforeAll(async () => {
  db = await createTestDatabase();
  gateway = await startGateway({ token: 'facts-token', tradeTimeoutMs: 5_000, serverUtcOffsetHours: 2 });
}, 300_000);

afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
});

function scalper(args: string[]) {
  return runScalper(args, {
    ...process.env,
    DATABASE_URL: db.url,
    LOG_LEVEL: 'silent',
    FACTS_GATEWAY_TOKEN: gateway.token,
  });
}

/** `scalper account add` of an account on the test's gateway, its token in FACTS_GATEWAY_TOKEN. */
function addGatewayAccount(name: string, ...more: string[]) {
  const connection = ['--url', gateway.baseUrl, '--token-env', 'FACTS_GATEWAY_TOKEN'];
  return scalper(['account', 'add', '--name', name, '--kind', 'mt5-gateway', ...connection, ...more]);
}

const stored = async (name: string) =>
  (await db.orm.em.fork().findOneOrFail(BrokerAccount, { name })).connection.instruments;

describe('the per-symbol facts of a real account', () => {
  it('are named where assumed, then set, changed and dropped with set-instrument, each change audited', async () => {
    const registered = await addGatewayAccount('facts-demo');
    expect(registered).toMatchObject({ code: 0, stderr: '' });
    expect(registered.stdout).toContain(
      "no pipSize given: each symbol's pip is taken as 10 points, right for 5- and 3-digit forex, not for gold, indices or crypto; set it with `scalper account set-instrument facts-demo --instrument <SYMBOL>:pipSize=<pip> --reason …`",
    );
    expect(registered.stdout).toContain('no commissionPerLot given');

    const assumed = await scalper(['account', 'check', 'facts-demo', '--symbol', 'XAUUSDm']);
    expect(assumed).toMatchObject({ code: 0, stderr: '' });
    expect(assumed.stdout).toMatch(/XAUUSDm: digits \d+, point 0\.01,.*pip 0\.1, commission 0 per lot per side/);
    expect(assumed.stdout).toContain(
      'XAUUSDm: pip 0.1 is assumed (10 points): right for 5- and 3-digit forex, not for gold, indices or crypto',
    );
    expect(assumed.stdout).toContain(
      'XAUUSDm: no commission set: sizing and the margin check count none; set it with `scalper account set-instrument facts-demo --instrument XAUUSDm:commissionPerLot=<per lot per side> --reason …`',
    );

    const set = await scalper([
      'account',
      'set-instrument',
      'facts-demo',
      '--instrument',
      'XAUUSDm:pipSize=0.01,commissionPerLot=3.5',
      '--instrument',
      'XAUUSDm:correlationGroup=metals',
      '--reason',
      "broker's gold pip is 0.01",
    ]);
    expect(set).toMatchObject({ code: 0, stderr: '' });
    expect(set.stdout).toBe(
      "account facts-demo: facts changed (broker's gold pip is 0.01); running workers use them within a minute\n" +
        '  XAUUSDm: pipSize 0.01, correlationGroup metals, commissionPerLot 3.5\n',
    );
    expect(await stored('facts-demo')).toEqual({
      XAUUSDm: { pipSize: 0.01, commissionPerLot: 3.5, correlationGroup: 'metals' },
    });
    const checked = await scalper(['account', 'check', 'facts-demo', '--symbol', 'XAUUSDm']);
    expect(checked.stdout).toMatch(/pip 0\.01, commission 3\.5 per lot per side/);
    expect(checked.stdout).not.toContain('is assumed');
    expect(checked.stdout).not.toContain('no commission set');

    const dropped = await scalper([
      'account',
      'set-instrument',
      'facts-demo',
      '--unset',
      'XAUUSDm:commissionPerLot',
      '--unset',
      'XAUUSDm:correlationGroup',
      '--reason',
      'commission moved to the account group',
    ]);
    expect(dropped).toMatchObject({ code: 0, stderr: '' });
    expect(await stored('facts-demo')).toEqual({ XAUUSDm: { pipSize: 0.01 } });
    expect((await scalper(['account', 'check', 'facts-demo', '--symbol', 'XAUUSDm'])).stdout).toContain(
      'XAUUSDm: no commission set',
    );

    const audits = await db.orm.em
      .fork()
      .find(AuditLog, { entityId: 'facts-demo', event: 'instruments_changed' }, { orderBy: { id: 'asc' } });
    expect(audits.map((row) => ({ reason: row.reason, data: row.data }))).toEqual([
      {
        reason: "broker's gold pip is 0.01",
        data: { from: {}, to: { XAUUSDm: { pipSize: 0.01, commissionPerLot: 3.5, correlationGroup: 'metals' } } },
      },
      {
        reason: 'commission moved to the account group',
        data: {
          from: { XAUUSDm: { pipSize: 0.01, commissionPerLot: 3.5, correlationGroup: 'metals' } },
          to: { XAUUSDm: { pipSize: 0.01 } },
        },
      },
    ]);
  });

  it('refuses a change it cannot make, naming what is wrong, and writes nothing', async () => {
    const registered = await addGatewayAccount('facts-refusals', '--instrument', 'XAUUSDm:pipSize=0.1');
    expect(registered.code).toBe(0);
    expect(registered.stdout).not.toContain('no pipSize given');
    const change = (...args: string[]) =>
      scalper(['account', 'set-instrument', 'facts-refusals', ...args, '--reason', 'test']);
    const cases: Array<[string[], number, string]> = [
      [['--instrument', 'XAUUSDm:pipSize=-1'], 2, 'instruments.XAUUSDm.pipSize'],
      [['--instrument', 'XAUUSDm:pips=0.1'], 1, 'instruments.XAUUSDm.pips: not a fact an account keeps'],
      [['--instrument', 'XAUUSDm:pipSize=wide'], 1, 'XAUUSDm pipSize must be a number, got wide'],
      [
        ['--unset', 'XAUUSDm:pips'],
        1,
        'pips is not one of pipSize, maxSpreadPoints, correlationGroup, commissionPerLot',
      ],
      [['--unset', 'XAUUSDm'], 1, 'expected SYMBOL:key, got XAUUSDm'],
      [
        ['--instrument', 'XAUUSDm:pipSize=0.01', '--unset', 'XAUUSDm:pipSize'],
        1,
        'XAUUSDm:pipSize is both set and unset',
      ],
      [[], 1, 'give --instrument SYMBOL:key=value or --unset SYMBOL:key'],
      [
        ['--instrument', 'XAUUSD:pipSize=0.1'],
        2,
        'invalid settings: account facts-refusals offers no symbol XAUUSD; did you mean XAUUSDm?',
      ],
    ];
    for (const [args, code, named] of cases) {
      const refused = await change(...args);
      expect({ args, code: refused.code }).toEqual({ args, code });
      expect(refused.stderr).toContain(named);
    }
    expect(await change('--instrument', 'XAUUSDm:pipSize=0.1')).toMatchObject({
      code: 0,
      stdout: 'account facts-refusals: nothing to change\n  XAUUSDm: pipSize 0.1\n',
    });
    const setOn = (account: string) =>
      scalper(['account', 'set-instrument', account, '--instrument', 'XAUUSDm:pipSize=0.1', '--reason', 'test']);
    expect(await setOn('paper-1')).toMatchObject({
      code: 1,
      stderr: 'scalper: no registered account named paper-1 (scalper account list)\n',
    });
    expect((await scalper(['account', 'add', '--name', 'paper-facts', '--kind', 'paper'])).code).toBe(0);
    expect(await setOn('paper-facts')).toMatchObject({
      code: 1,
      stderr: "scalper: paper-facts is a paper account: its symbols are the paper broker's\n",
    });
    expect(await stored('facts-refusals')).toEqual({ XAUUSDm: { pipSize: 0.1 } });
    expect(await db.orm.em.fork().count(AuditLog, { entityId: 'facts-refusals', event: 'instruments_changed' })).toBe(
      0,
    );
  });

  it("reach a running worker's broker within a minute on the adapter it has, and drop the cached spec", async () => {
    const proxy = await startGatewayProxy(gateway.baseUrl);
    try {
      const accounts = new BrokerAccounts(db.orm.em);
      await accounts.add({
        name: 'facts-worker',
        kind: 'mt5-gateway',
        environment: 'demo',
        connection: { url: proxy.baseUrl, tokenEnv: 'FACTS_GATEWAY_TOKEN' },
      });
      const directory = new BrokerDirectory({
        accounts,
        paperStore: createPostgresStateStore(db.orm),
        feedSeed: 1,
        env: { FACTS_GATEWAY_TOKEN: gateway.token, FACTS_OTHER_TOKEN: gateway.token },
      });
      const broker = directory.brokerFor('facts-worker');
      // A cycle cached the spec; a paused bot's cycles would not refresh it.
      expect((await refreshInstrument(db.orm.em.fork(), broker, 'facts-worker', 'XAUUSDm')).pipSize).toBe(0.1);
      await accounts.setInstruments('facts-worker', { XAUUSDm: { pipSize: 0.01, commissionPerLot: 2 } }, 'test');
      expect(await db.orm.em.fork().count(Instrument, { brokerAccount: 'facts-worker' })).toBe(0);
      // Within the minute the worker trades on the facts it had; after it, on the new ones.
      expect((await broker.instrument('XAUUSDm')).pipSize).toBe(0.1);
      const connections = proxy.connections();
      const later = Date.now() + 60_001;
      const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
      try {
        expect(await broker.instrument('XAUUSDm')).toMatchObject({ pipSize: 0.01, commissionPerLot: 2 });
        // Facts alone keep the adapter (and its connection); a changed connection builds another.
        expect(proxy.connections()).toBe(connections);
        await db.orm.em.fork().nativeUpdate(
          BrokerAccount,
          { name: 'facts-worker' },
          {
            connection: {
              url: proxy.baseUrl,
              tokenEnv: 'FACTS_OTHER_TOKEN',
              instruments: await stored('facts-worker'),
            },
          },
        );
        clock.mockReturnValue(later + 60_001);
        expect((await broker.instrument('XAUUSDm')).pipSize).toBe(0.01);
        expect(proxy.connections()).toBeGreaterThan(connections);
      } finally {
        clock.mockRestore();
      }
    } finally {
      await proxy.stop();
    }
  });

  it('let a backtest of a bot on the account read the spec from its broker once the cached one is dropped', async () => {
    expect((await addGatewayAccount('facts-backtest')).code).toBe(0);
    const em = db.orm.em.fork();
    const bot = newBotRow(em, { name: 'facts-backtested', magic: 7101, brokerAccount: 'facts-backtest' });
    await em.flush();
    const set = await scalper([
      'account',
      'set-instrument',
      'facts-backtest',
      '--instrument',
      'XAUUSDm:pipSize=0.01,commissionPerLot=2.5',
      '--reason',
      'test',
    ]);
    expect(set.code).toBe(0);
    expect(await db.orm.em.fork().count(Instrument, { brokerAccount: 'facts-backtest' })).toBe(0);
    const out = await mkdtemp(join(tmpdir(), 'facts-backtest-'));
    const run = await scalper([
      'backtest',
      '--bot',
      String(bot.id),
      '--from',
      '2025-03-04',
      '--to',
      '2025-03-04',
      '--out',
      out,
    ]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const settings = JSON.parse(await readFile(join(out, 'settings.json'), 'utf8'));
    expect(settings).toMatchObject({
      instrument: { symbol: 'XAUUSDm', pipSize: 0.01 },
      costs: { commissionPerLot: 2.5 },
    });
  });
});
