// `scalper account …` as an operator runs it: accounts registered with secrets named, never shown,
// the live opt-in audited, and a broker that cannot be reached said plainly.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AuditLog, BrokerAccount } from '../../../db/entities/index.ts';
import { freePort } from '../../../infra/ports.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { runScalper } from '../../support/scalper-cli.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(() => db?.drop());

function scalper(args: string[], extraEnv: Record<string, string> = {}) {
  return runScalper(args, { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...extraEnv });
}

describe('scalper account', () => {
  it('registers a paper account and checks it: what the broker says, and the specs asked for', async () => {
    const added = await scalper(['account', 'add', '--name', 'paper-net', '--kind', 'paper', '--mode', 'netting']);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain('account paper-net added: demo paper');
    const checked = await scalper(['account', 'check', 'paper-net', '--symbol', 'XAUUSDm']);
    expect(checked).toMatchObject({ code: 0, stderr: '' });
    expect(checked.stdout).toContain('login paper-net: demo account, USD, 1:100, netting');
    expect(checked.stdout).toMatch(/XAUUSDm: digits \d, point 0\.01, .*pip \S+, commission 3\.5 per lot per side/);
    expect(checked.stdout).toMatch(/\d+ symbols offered/);
  });

  it('keeps a gateway token in its environment variable: listed by name, never by value', async () => {
    const added = await scalper(
      [
        'account',
        'add',
        '--name',
        'icm-demo',
        '--kind',
        'mt5-gateway',
        '--url',
        'http://10.0.0.5:8765/',
        '--token-env',
        'ICM_GATEWAY_TOKEN',
        '--instrument',
        'XAUUSDm:pipSize=0.1,commissionPerLot=3.5',
      ],
      { ICM_GATEWAY_TOKEN: 'tok-very-secret' },
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).not.toContain('no commissionPerLot');
    const row = await db.orm.em.fork().findOneOrFail(BrokerAccount, { name: 'icm-demo' });
    expect(row.connection).toEqual({
      url: 'http://10.0.0.5:8765',
      tokenEnv: 'ICM_GATEWAY_TOKEN',
      instruments: { XAUUSDm: { pipSize: 0.1, commissionPerLot: 3.5 } },
    });
    const listed = await scalper(['account', 'list']);
    expect(listed.stdout).toContain(
      'icm-demo\tmt5-gateway\tdemo\thttp://10.0.0.5:8765 token $ICM_GATEWAY_TOKEN (unset here)',
    );
    expect(listed.stdout).not.toContain('tok-very-secret');
  });

  it('refuses bad settings, naming them, and writes nothing', async () => {
    const noUrl = await scalper(['account', 'add', '--name', 'gw-x', '--kind', 'mt5-gateway', '--token-env', 'T']);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/invalid settings[\s\S]*url/);
    const token = await scalper([
      'account',
      'add',
      '--name',
      'gw-y',
      '--kind',
      'mt5-gateway',
      '--url',
      'http://h',
      '--token-env',
      'not a name',
    ]);
    expect(token.code).toBe(2);
    expect(token.stderr).toContain('tokenEnv');
    const kind = await scalper(['account', 'add', '--name', 'gw-z', '--kind', 'mt4']);
    expect(kind.code).not.toBe(0);
    expect(kind.stderr).toContain('paper or mt5-gateway or metaapi');
    const paperName = await scalper([
      'account',
      'add',
      '--name',
      'paper-real',
      '--kind',
      'metaapi',
      '--token-env',
      'T',
      '--account-id',
      'a',
    ]);
    expect(paperName).toMatchObject({ code: 1, stderr: 'scalper: names starting paper- are for paper accounts\n' });
    // Below the SDK's own 60 s, a lost open could land after the engine sent it again.
    const lateSend = ['--token-env', 'T', '--account-id', 'a', '--late-send-ms', '1000'];
    const noWait = await scalper(['account', 'add', '--name', 'mapi-x', '--kind', 'metaapi', ...lateSend]);
    expect(noWait.code).toBe(2);
    expect(noWait.stderr).toMatch(/invalid settings[\s\S]*lateSendMs/);
    const refused = ['gw-x', 'gw-y', 'gw-z', 'paper-real', 'mapi-x'];
    expect(await db.orm.em.fork().count(BrokerAccount, { name: { $in: refused } })).toBe(0);
  });

  it("trusts an https gateway's own certificate (--ca-file), refuses the wrong file, and replaces it audited (trust-ca)", async () => {
    const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/tls/${name}`, import.meta.url));
    const gateway = (name: string, url: string, caFile: string) =>
      scalper([
        'account',
        'add',
        '--name',
        name,
        '--kind',
        'mt5-gateway',
        '--url',
        url,
        '--token-env',
        'GW_T',
        '--ca-file',
        caFile,
      ]);

    const plain = await gateway('tls-plain', 'http://10.0.0.5:8765', fixture('gateway-cert.pem'));
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(
      /invalid settings[\s\S]*a CA certificate is for an https:\/\/ gateway[\s\S]*at caCert/,
    );
    const key = await gateway('tls-key', 'https://10.0.0.5:8765', fixture('gateway-key.pem'));
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/holds a private key[\s\S]*at caCert/);
    const expired = await gateway('tls-old', 'https://10.0.0.5:8765', fixture('expired-cert.pem'));
    expect(expired).toMatchObject({ code: 1 });
    expect(expired.stderr).toMatch(/caCert: the certificate for CN=scalper-gateway 10\.0\.0\.5 expired on Jan 31/);
    const missing = await gateway('tls-none', 'https://10.0.0.5:8765', '/nonexistent/gateway-cert.pem');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/--ca-file[\s\S]*cannot read \/nonexistent\/gateway-cert\.pem/);
    // Found out now, not by the first trade: the certificate names 10.0.0.5.
    const elsewhere = await gateway('tls-where', 'https://10.0.0.9:8765', fixture('gateway-cert.pem'));
    expect(elsewhere).toMatchObject({ code: 1 });
    expect(elsewhere.stderr).toMatch(/caCert: is for IP Address:10\.0\.0\.5, DNS:gw\.example, not 10\.0\.0\.9/);
    const refused = ['tls-plain', 'tls-key', 'tls-old', 'tls-none', 'tls-where'];
    expect(await db.orm.em.fork().count(BrokerAccount, { name: { $in: refused } })).toBe(0);

    expect(await gateway('tls-gw', 'https://10.0.0.5:8765', fixture('gateway-cert.pem'))).toMatchObject({
      code: 0,
      stderr: '',
    });
    const row = await db.orm.em.fork().findOneOrFail(BrokerAccount, { name: 'tls-gw' });
    expect(row.connection.caCert).toBe(readFileSync(fixture('gateway-cert.pem'), 'utf8'));
    expect((await scalper(['account', 'list'])).stdout).toContain(
      'tls-gw\tmt5-gateway\tdemo\thttps://10.0.0.5:8765 token $GW_T (unset here), trusting CN=scalper-gateway 10.0.0.5 until 2125-12-08',
    );

    await scalper(['account', 'add', '--name', 'paper-tls', '--kind', 'paper']);
    const onPaper = await scalper([
      'account',
      'trust-ca',
      'paper-tls',
      '--ca-file',
      fixture('gateway-cert.pem'),
      '--reason',
      'x',
    ]);
    expect(onPaper).toMatchObject({
      code: 1,
      stderr: 'scalper: paper-tls is a paper account: only mt5-gateway accounts take a CA\n',
    });
    // An install moved from plain HTTP to HTTPS: the new address and its certificate in one audited write.
    expect(
      await scalper([
        'account',
        'add',
        '--name',
        'tls-moved',
        '--kind',
        'mt5-gateway',
        '--url',
        'http://10.0.0.5:8765',
        '--token-env',
        'GW_T',
      ]),
    ).toMatchObject({ code: 0 });
    const moveTo = (url: string) =>
      scalper([
        'account',
        'trust-ca',
        'tls-moved',
        '--ca-file',
        fixture('gateway-cert.pem'),
        '--url',
        url,
        '--reason',
        'https now',
      ]);
    const wrongHost = await moveTo('https://10.0.0.9:8765');
    expect(wrongHost).toMatchObject({ code: 1 });
    expect(wrongHost.stderr).toMatch(/caCert: is for IP Address:10\.0\.0\.5, DNS:gw\.example, not 10\.0\.0\.9/);
    expect((await db.orm.em.fork().findOneOrFail(BrokerAccount, { name: 'tls-moved' })).connection.url).toBe(
      'http://10.0.0.5:8765',
    );
    expect(await moveTo('https://10.0.0.5:8765')).toMatchObject({ code: 0 });
    const moved = await db.orm.em.fork().findOneOrFail(BrokerAccount, { name: 'tls-moved' });
    expect(moved.connection).toMatchObject({
      url: 'https://10.0.0.5:8765',
      caCert: expect.stringContaining('BEGIN CERTIFICATE'),
    });
    const movedAudit = await db.orm.em
      .fork()
      .findOneOrFail(AuditLog, { entityId: 'tls-moved', event: 'ca_cert_replaced' });
    expect(movedAudit.data).toMatchObject({ url: { from: 'http://10.0.0.5:8765', to: 'https://10.0.0.5:8765' } });
    const lapsed = await scalper([
      'account',
      'trust-ca',
      'tls-gw',
      '--ca-file',
      fixture('expired-cert.pem'),
      '--reason',
      'x',
    ]);
    expect(lapsed.code).toBe(1);
    // A renewal: trust the new certificate beside the old while the gateway restarts, then alone.
    const trustCa = (file: string, ...rest: string[]) =>
      scalper(['account', 'trust-ca', 'tls-gw', '--ca-file', fixture(file), '--reason', 'renewal', ...rest]);
    // --keep keeps the account's own certificates: one trusting the system's CAs has none to keep.
    await scalper([
      'account',
      'add',
      '--name',
      'tls-system',
      '--kind',
      'mt5-gateway',
      '--url',
      'https://10.0.0.5:8765',
      '--token-env',
      'GW_T',
    ]);
    const nothingToKeep = await scalper([
      'account',
      'trust-ca',
      'tls-system',
      '--ca-file',
      fixture('renewed-cert.pem'),
      '--keep',
      '--reason',
      'x',
    ]);
    expect(nothingToKeep).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('tls-system trusts no certificate of its own yet'),
    });
    const both = await trustCa('renewed-cert.pem', '--keep');
    expect(both.code).toBe(0);
    expect(both.stdout).toMatch(
      /^account tls-gw now trusts CN=scalper-gateway 10\.0\.0\.5 until 2125-12-08, SHA-256 \S+; CN=scalper-gateway 10\.0\.0\.5 until 2126-05-08, SHA-256 \S+\n$/,
    );
    const renewed = await trustCa('renewed-cert.pem');
    expect(renewed.stdout).toMatch(
      /^account tls-gw now trusts CN=scalper-gateway 10\.0\.0\.5 until 2126-05-08, SHA-256 \S+\n$/,
    );
    const [original, renewal] = [fixture('gateway-cert.pem'), fixture('renewed-cert.pem')].map(
      (file) => new X509Certificate(readFileSync(file)).fingerprint256,
    );
    const audit = await db.orm.em
      .fork()
      .find(AuditLog, { entityId: 'tls-gw', event: 'ca_cert_replaced' }, { orderBy: { id: 'asc' } });
    expect(audit.map((entry) => entry.data)).toEqual([
      { from: [original], to: [original, renewal] },
      { from: [original, renewal], to: [renewal] },
    ]);
  });

  it('needs the operator to opt a live account in, by name, and audits it', async () => {
    const add = ['account', 'add', '--name', 'icm-live', '--kind', 'metaapi', '--environment', 'live'];
    const added = await scalper([...add, '--token-env', 'METAAPI_TOKEN', '--account-id', 'acc-1']);
    expect(added.stdout).toContain('live trading is off until `scalper account enable-live icm-live`');
    // No commission given: said, since sizing then counts none on this account.
    expect(added.stdout).toContain('no commissionPerLot given: sizing and the margin check count no commission');
    const wrong = await scalper(['account', 'enable-live', 'icm-live', '--confirm', 'icm', '--reason', 'go']);
    expect(wrong).toMatchObject({ code: 1, stderr: 'scalper: --confirm must repeat the account name icm-live\n' });
    const enabled = await scalper([
      'account',
      'enable-live',
      'icm-live',
      '--confirm',
      'icm-live',
      '--reason',
      'signed off by risk',
    ]);
    expect(enabled).toMatchObject({ code: 0, stdout: expect.stringContaining('LIVE TRADING ENABLED on icm-live') });
    expect((await scalper(['account', 'list'])).stdout).toMatch(
      /icm-live\tmetaapi\tlive live trading ON\tMetaApi account acc-1 token \$METAAPI_TOKEN.*, a lost open waited on 120 s/,
    );
    const slow = ['--token-env', 'SLOW_TOKEN', '--account-id', 'acc-2', '--late-send-ms', '300000'];
    await expect(
      scalper(['account', 'add', '--name', 'mapi-slow', '--kind', 'metaapi', ...slow]),
    ).resolves.toMatchObject({
      code: 0,
    });
    expect((await scalper(['account', 'list'])).stdout).toContain(
      'mapi-slow\tmetaapi\tdemo\tMetaApi account acc-2 token $SLOW_TOKEN (unset here), a lost open waited on 300 s',
    );
    await scalper(['account', 'disable-live', 'icm-live', '--reason', 'weekend']);
    const audits = await db.orm.em
      .fork()
      .find(AuditLog, { entity: 'broker_account', entityId: 'icm-live' }, { orderBy: { id: 'asc' } });
    expect(audits.map((a) => [a.event, a.reason])).toEqual([
      ['account_added', 'live metaapi account added'],
      ['live_trading_enabled', 'signed off by risk'],
      ['live_trading_disabled', 'weekend'],
    ]);
    const demo = await scalper(['account', 'enable-live', 'paper-net', '--confirm', 'paper-net', '--reason', 'x']);
    expect(demo).toMatchObject({ code: 1, stderr: 'scalper: paper-net is a demo account: it needs no live opt-in\n' });
  });

  it('says plainly when a broker cannot be reached, or its token is not set', async () => {
    const port = await freePort();
    await scalper([
      'account',
      'add',
      '--name',
      'gw-down',
      '--kind',
      'mt5-gateway',
      '--url',
      `http://127.0.0.1:${port}`,
      '--token-env',
      'GW_DOWN_TOKEN',
    ]);
    const unset = await scalper(['account', 'check', 'gw-down']);
    expect(unset).toMatchObject({
      code: 1,
      stderr:
        'scalper: account gw-down: the environment variable GW_DOWN_TOKEN (its token) is not set in this process\n',
    });
    const down = await scalper(['account', 'check', 'gw-down'], { GW_DOWN_TOKEN: 't' });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^scalper: cannot reach account gw-down: /);
  });

  it('sets a bot up only on an account something serves, and removes only an unused account', async () => {
    const bot = await scalper(['setup-bot', '--symbol', 'XAUUSDm', '--account', 'nowhere']);
    expect(bot.code).toBe(2);
    expect(bot.stderr).toMatch(/no broker serves account nowhere: add it with `scalper account add`/);
    expect(
      (await scalper(['setup-bot', '--symbol', 'XAUUSDm', '--name', 'on-net', '--account', 'paper-net'])).code,
    ).toBe(0);
    expect(await scalper(['account', 'remove', 'paper-net'])).toMatchObject({
      code: 1,
      stderr: 'scalper: 1 bot(s) trade on paper-net: move or delete them first\n',
    });
    expect(await scalper(['account', 'remove', 'icm-demo'])).toMatchObject({
      code: 0,
      stdout: 'account icm-demo removed\n',
    });
    expect(await scalper(['account', 'remove', 'icm-demo'])).toMatchObject({
      code: 1,
      stderr: 'scalper: no registered account named icm-demo (scalper account list)\n',
    });
  });
});
