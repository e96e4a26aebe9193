// Bearer tokens on the real API: every route of the route table is checked, so a route added
// later cannot skip authentication; problem documents name what is wrong.
import { startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ maxAuthFailures: 5 });
});

afterAll(() => api?.stop());

/** A concrete URL for a route pattern: path parameters become an id that exists nowhere. */
const concrete = (url: string): string => url.replace(/:[A-Za-z]+/g, '999999');

const privateRoutes = () =>
  api.app.routeTable.filter((route) => !route.public && route.method !== 'HEAD' && route.method !== 'OPTIONS');

describe('bearer tokens', () => {
  it('leaves only /health, /metrics and the docs open', () => {
    const open = api.app.routeTable.filter((route) => route.public).map((route) => route.url);
    expect(open.filter((url) => !url.startsWith('/docs'))).toEqual(expect.arrayContaining(['/health']));
    expect(open.every((url) => url === '/health' || url === '/metrics' || url.startsWith('/docs'))).toBe(true);
    expect(privateRoutes().length).toBeGreaterThan(0);
  });

  it('answers 401 with a problem document to every private route called without a token', async () => {
    // An address per route: more routes than the failure limit must not turn 401s into 429s.
    for (const [index, route] of privateRoutes().entries()) {
      const response = await api.app.inject({
        method: route.method,
        url: concrete(route.url),
        remoteAddress: `10.0.${index}.1`,
      });
      expect({ route: `${route.method} ${route.url}`, status: response.statusCode }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 401,
      });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="scalper-engine"');
      expect(response.json()).toMatchObject({
        status: 401,
        title: 'Unauthorized',
        errors: [{ field: 'header.authorization' }],
      });
    }
  });

  it('answers 403 to a read token on every route that changes state, and lets it read', async () => {
    const mutating = privateRoutes().filter((route) => route.method !== 'GET');
    for (const route of mutating) {
      const response = await api.app.inject({ method: route.method, url: concrete(route.url), headers: api.read });
      expect({ route: `${route.method} ${route.url}`, status: response.statusCode }).toEqual({
        route: `${route.method} ${route.url}`,
        status: 403,
      });
    }
    const read = await api.app.inject({ method: 'GET', url: '/bots', headers: api.read });
    expect(read.statusCode).toBe(200);
  });

  it('refuses a revoked token and a forged secret', async () => {
    const { token } = await api.tokens.create('short-lived', 'trade');
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const headersOf = (bearer: string) => ({ authorization: `Bearer ${bearer}` });
    expect((await api.app.inject({ method: 'GET', url: '/bots', headers: headersOf(token) })).statusCode).toBe(200);
    expect((await api.app.inject({ method: 'GET', url: '/bots', headers: headersOf(forged) })).statusCode).toBe(401);
    expect(await api.tokens.revoke('short-lived')).toBe(true);
    expect((await api.app.inject({ method: 'GET', url: '/bots', headers: headersOf(token) })).statusCode).toBe(401);
  });

  it('stores only a hash of the secret', async () => {
    const { token, record } = await api.tokens.create('hashed', 'read');
    const secret = token.split('_').slice(2).join('_');
    const rows = await api.db.orm.em
      .fork()
      .getConnection()
      .execute<{ secret_hash: string }[]>(`select secret_hash from api_token where id = ${record.id}`);
    expect(rows[0]!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(secret);
  });

  it('rate limits failed attempts per client address with 429, while other clients go on', async () => {
    const attempt = (remoteAddress: string, headers?: Record<string, string>) =>
      api.app.inject({ method: 'GET', url: '/bots', remoteAddress, headers });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt('10.9.9.9', { authorization: 'Bearer nope' })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const limited = await attempt('10.9.9.9', { authorization: 'Bearer nope' });
    expect(limited.json()).toMatchObject({ status: 429, title: 'Too Many Requests' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt('10.8.8.8', api.read)).statusCode).toBe(200);
  });
});
