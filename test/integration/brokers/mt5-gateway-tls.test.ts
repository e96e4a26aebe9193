// The gateway over HTTPS, as an operator sets it up: `scalper-gateway make-cert` writes the
// certificate, the gateway serves with it, and the engine's account trusts that certificate alone
// (`scalper account add --ca-file`). Reads and trades go through; a gateway whose certificate the
// account does not trust is refused before anything is sent, and the refusal names the certificate.
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerTimeoutError } from '../../../brokers/errors.ts';
import type { MarketOrderRequest } from '../../../brokers/port.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { type GatewayCertificate, makeGatewayCertificate } from '../../support/gateway-certificates.ts';
import { type GatewayProcess, startGateway } from '../../support/gateway-process.ts';
import { CONTRACT_BALANCE, CONTRACT_SYMBOL, contractSetup } from '../../unit/brokers/contract/broker-contract.ts';
import { gatewayBroker, scenarioBody, SERVER_UTC_OFFSET_HOURS, simulator } from './mt5-gateway-harness.ts';
import { runScalper } from '../../support/scalper-cli.ts';

const TOKEN = 'tls-token';
const COMMISSION = 3.5;
const BARS = Array.from({ length: 5 }, (_, i) => ({
  open: 2000 + i,
  high: 2000.5 + i,
  low: 1999.5 + i,
  close: 2000.25 + i,
}));

let db: TestDatabase;
let gateway: GatewayProcess;
let certificate: GatewayCertificate;
/** Another gateway's certificate, for the same address. */
let otherCertificate: GatewayCertificate;

beforeAll(async () => {
  [certificate, otherCertificate, db] = await Promise.all([
    makeGatewayCertificate(['127.0.0.1']),
    makeGatewayCertificate(['127.0.0.1']),
    createTestDatabase(),
  ]);
  gateway = await startGateway({
    token: TOKEN,
    tradeTimeoutMs: 2_000,
    serverUtcOffsetHours: SERVER_UTC_OFFSET_HOURS,
    tls: certificate,
  });
}, 300_000);

afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
});

beforeEach(() =>
  simulator(gateway).scenario(scenarioBody(contractSetup({ bars: BARS, commissionPerLot: COMMISSION }))),
);

function order(comment: string, price: number): MarketOrderRequest {
  return {
    symbol: CONTRACT_SYMBOL,
    side: 'buy',
    volume: 0.1,
    price,
    sl: null,
    tp: null,
    deviationPoints: 10,
    magic: 4242,
    comment,
  };
}

async function failureOf(call: Promise<unknown>): Promise<Error> {
  const outcome = await call.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('the call went through');
  return outcome;
}

describe('mt5-gateway over HTTPS', () => {
  it('serves HTTPS only: the scheme is https, and plain HTTP to its port gets no answer', async () => {
    expect(gateway.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const plain = gatewayBroker(gateway, COMMISSION, { baseUrl: gateway.baseUrl.replace('https:', 'http:') });
    expect((await failureOf(plain.account())).message).toMatch(/contract-1.*GET \/account/);
  });

  it("trusting the gateway's own certificate, reads and a trade go through", async () => {
    const broker = gatewayBroker(gateway, COMMISSION, { caCert: certificate.caCert });
    expect(await broker.account()).toMatchObject({ login: 'contract-1', balance: CONTRACT_BALANCE });
    const placed = await broker.placeMarketOrder(order('tls-1', (await broker.quote(CONTRACT_SYMBOL)).ask));
    expect(placed).toMatchObject({ retcode: 10009, outcome: 'success' });
    expect(await broker.positions({ magic: 4242 })).toEqual([expect.objectContaining({ comment: 'tls-1' })]);
  });

  it.each([
    ['the system’s CAs alone', () => undefined, /self-signed certificate/],
    ["another gateway's certificate", () => otherCertificate.caCert, /self-signed certificate|unable to verify/],
  ])('trusting %s: refused before anything is sent, naming the certificate', async (_, caCert, reason) => {
    const trusted = caCert();
    const broker = gatewayBroker(gateway, COMMISSION, trusted === undefined ? {} : { caCert: trusted });
    const read = await failureOf(broker.account());
    expect(read.message).toMatch(reason);
    expect(read.message).toContain('scalper account trust-ca');
    // A trade the engine could not hand over counts as unknown, so it is looked up before a resend.
    const trade = await failureOf(broker.placeMarketOrder(order('untrusted-1', 2004.3)));
    expect(trade).toBeInstanceOf(BrokerTimeoutError);
    expect(trade.message).toMatch(reason);
    expect((await simulator(gateway).state()).orders).toEqual([]);
  });

  it('stays refused with NODE_TLS_REJECT_UNAUTHORIZED=0, which would turn every check off', async () => {
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      const broker = gatewayBroker(gateway, COMMISSION, { caCert: otherCertificate.caCert });
      expect((await failureOf(broker.account())).message).toMatch(/nothing was sent/);
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    }
  });

  it('an https:// account whose gateway serves plain HTTP says so', async () => {
    const plainServer = createServer((_, response) => response.end('{}'));
    await new Promise<void>((resolve) => plainServer.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = plainServer.address() as AddressInfo;
      const broker = gatewayBroker(gateway, COMMISSION, {
        baseUrl: `https://127.0.0.1:${port}`,
        caCert: certificate.caCert,
      });
      expect((await failureOf(broker.account())).message).toMatch(
        /the gateway did not answer TLS: is it serving HTTPS/,
      );
    } finally {
      await new Promise((resolve) => plainServer.close(resolve));
    }
  });

  it('a certificate that is not for the address dialled is refused, though trusted', async () => {
    const byName = gatewayBroker(gateway, COMMISSION, {
      baseUrl: gateway.baseUrl.replace('127.0.0.1', 'localhost'),
      caCert: certificate.caCert,
    });
    const read = await failureOf(byName.account());
    expect(read.message).toMatch(/does not match certificate's altnames: Host: localhost\./);
    expect(read.message).toContain('write one for it with `scalper-gateway make-cert --host <that address>`');
  });

  it('is registered and checked from the CLI with --ca-file, and a renewed certificate is trusted with trust-ca', async () => {
    const scalper = (args: string[]) =>
      runScalper(args, { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent', TLS_GATEWAY_TOKEN: TOKEN });
    const wrongFile = join(tmpdir(), `other-gateway-${process.pid}.pem`);
    await writeFile(wrongFile, otherCertificate.caCert);
    const add = [
      'account',
      'add',
      '--name',
      'tls-gw',
      '--kind',
      'mt5-gateway',
      '--url',
      gateway.baseUrl,
      '--token-env',
      'TLS_GATEWAY_TOKEN',
      '--ca-file',
      wrongFile,
    ];
    expect(await scalper(add)).toMatchObject({ code: 0, stderr: '' });
    const refused = await scalper(['account', 'check', 'tls-gw', '--symbol', CONTRACT_SYMBOL]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/tls-gw[\s\S]*(self-signed certificate|unable to verify)[\s\S]*trust-ca/);

    const trusted = await scalper([
      'account',
      'trust-ca',
      'tls-gw',
      '--ca-file',
      certificate.certFile,
      '--reason',
      'renewed',
    ]);
    expect(trusted).toMatchObject({ code: 0, stderr: '' });
    expect(trusted.stdout).toContain('account tls-gw now trusts CN=scalper-gateway 127.0.0.1 until ');
    const checked = await scalper(['account', 'check', 'tls-gw', '--symbol', CONTRACT_SYMBOL]);
    expect(checked).toMatchObject({ code: 0, stderr: '' });
    expect(checked.stdout).toContain('account tls-gw (mt5-gateway, registered demo)');
    expect(checked.stdout).toMatch(/XAUUSDm: digits/);
  });
});
