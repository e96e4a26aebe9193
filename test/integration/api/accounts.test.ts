// GET /accounts and /accounts/:name on real PostgreSQL: every registered account with what it
// connects to, and never a secret — the token an account's environment variable holds appears
// nowhere in an answer, whichever token reads it.
import { readFileSync } from 'node:fs';
import { BrokerAccounts } from '../../../db/broker-accounts.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;
const SECRET = 'gateway-secret-7f3a9c-never-shown';
const METAAPI_SECRET = 'metaapi-secret-55d1e0-never-shown';
/** The gateway's certificate: public, shown so an operator can see what the account trusts. */
const CA_CERT = readFileSync(new URL('../../fixtures/tls/gateway-cert.pem', import.meta.url), 'utf8');

beforeAll(async () => {
  api = await startTestApi();
  process.env.ACCOUNTS_TEST_GATEWAY_TOKEN = SECRET;
  process.env.ACCOUNTS_TEST_METAAPI_TOKEN = METAAPI_SECRET;
  const accounts = new BrokerAccounts(api.db.orm.em.fork());
  await accounts.add({ name: 'paper-main', kind: 'paper', environment: 'demo', connection: { balance: 2_500 } });
  await accounts.add({
    name: 'exness-live',
    kind: 'mt5-gateway',
    environment: 'live',
    connection: {
      url: 'https://10.0.0.5:8787/',
      tokenEnv: 'ACCOUNTS_TEST_GATEWAY_TOKEN',
      instruments: { XAUUSDm: { pipSize: 0.1, commissionPerLot: 3.5 } },
      caCert: CA_CERT,
    },
  });
  await accounts.add({
    name: 'icm-demo',
    kind: 'metaapi',
    environment: 'demo',
    connection: { tokenEnv: 'ACCOUNTS_TEST_METAAPI_TOKEN', accountId: 'a1b2c3', region: 'london' },
  });
});

afterAll(async () => {
  delete process.env.ACCOUNTS_TEST_GATEWAY_TOKEN;
  delete process.env.ACCOUNTS_TEST_METAAPI_TOKEN;
  await api?.stop();
});

const get = (url: string, headers: Record<string, string> = api.read) =>
  api.app.inject({ method: 'GET', url, headers });

describe('GET /accounts', () => {
  it('lists every registered account with its kind, environment, opt-in and connection', async () => {
    const response = await get('/accounts');
    expect(response.statusCode).toBe(200);
    const { items } = response.json() as { items: Record<string, unknown>[] };
    expect(items.map((item) => item.name).sort()).toEqual(['exness-live', 'icm-demo', 'paper-main']);
    expect(items.find((item) => item.name === 'exness-live')).toEqual({
      name: 'exness-live',
      kind: 'mt5-gateway',
      environment: 'live',
      liveTradingEnabled: false,
      connection: {
        url: 'https://10.0.0.5:8787',
        tokenEnv: 'ACCOUNTS_TEST_GATEWAY_TOKEN',
        instruments: { XAUUSDm: { pipSize: 0.1, commissionPerLot: 3.5 } },
        caCert: CA_CERT,
      },
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(items.find((item) => item.name === 'paper-main')).toMatchObject({
      kind: 'paper',
      connection: { mode: 'hedging', balance: 2_500, leverage: 100 },
    });
  });

  it('never returns a secret, to a read or a trade token', async () => {
    for (const headers of [api.read, api.trade]) {
      for (const url of ['/accounts', '/accounts/exness-live', '/accounts/icm-demo']) {
        const response = await get(url, headers);
        expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
        expect(response.body).not.toContain(SECRET);
        expect(response.body).not.toContain(METAAPI_SECRET);
      }
    }
  });

  it('is refused without a token', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/accounts' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('GET /accounts/:name', () => {
  it('answers one account', async () => {
    const response = await get('/accounts/icm-demo');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      name: 'icm-demo',
      kind: 'metaapi',
      environment: 'demo',
      connection: { tokenEnv: 'ACCOUNTS_TEST_METAAPI_TOKEN', accountId: 'a1b2c3', region: 'london' },
    });
  });

  it('answers 404 naming an account nobody registered', async () => {
    const response = await get('/accounts/nobody-registered-this');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({
      status: 404,
      detail: 'no registered account named nobody-registered-this',
    });
  });

  it('answers a name longer than any account can have with a problem document', async () => {
    const response = await get(`/accounts/${'x'.repeat(101)}`);
    expect(response.statusCode).toBe(414);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 414, title: 'URI Too Long', type: expect.any(String) });
  });
});
