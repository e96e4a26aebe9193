// The REST API on real PostgreSQL and Temporal, through `inject`.
import { scheduleIdOf } from '../../../bots/schedule.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(() => api?.stop());

describe('GET /health', () => {
  it('is ok when PostgreSQL and Temporal answer, without a token', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      checks: { database: { status: 'ok' }, temporal: { status: 'ok' } },
    });
  });

  it('is 503 and names the failing dependency', async () => {
    api.setTemporalReachable(false);
    try {
      const response = await api.app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        status: 'degraded',
        checks: { database: { status: 'ok' }, temporal: { status: 'failing', error: 'connection refused' } },
      });
    } finally {
      api.setTemporalReachable(true);
    }
  });

  it('answers 503 within its probe timeout when Temporal never answers', async () => {
    api.setTemporalReachable('hangs');
    try {
      const response = await api.app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json().checks.temporal).toEqual({ status: 'failing', error: 'no answer within 2000 ms' });
    } finally {
      api.setTemporalReachable(true);
    }
  });
});

describe('GET /bots', () => {
  it('lists bots with the pause state Temporal holds, as the terminal left it', async () => {
    const running = await api.bots.create({ name: 'api-running', symbol: 'XAUUSDm', autoTrade: true });
    const paused = await api.bots.create({ name: 'api-paused', symbol: 'EURUSDm' });
    await api.temporal.client.schedule.getHandle(scheduleIdOf(paused.id)).pause('paused from the terminal');

    // The list reads Temporal's schedule listing, which has a terminal's pause a moment later.
    let response = await api.app.inject({ method: 'GET', url: '/bots', headers: api.read });
    for (let waited = 0; waited < 30_000 && !response.body.includes('paused from the terminal'); waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      response = await api.app.inject({ method: 'GET', url: '/bots', headers: api.read });
    }
    expect(response.statusCode).toBe(200);
    const items = response.json().items as Array<Record<string, unknown>>;
    expect(items.find((item) => item.id === running.id)).toMatchObject({
      name: 'api-running',
      status: 'active',
      autoTrade: true,
      schedule: { id: `scalper-bot-${running.id}`, exists: true, paused: false },
    });
    expect(items.find((item) => item.id === paused.id)).toMatchObject({
      name: 'api-paused',
      status: 'active',
      schedule: { id: `scalper-bot-${paused.id}`, exists: true, paused: true, note: 'paused from the terminal' },
    });
  });

  it('serves the OpenAPI document without a token, bearer auth declared', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/health', '/bots', '/backtests/{id}/points.csv', '/backtests/{id}/cancel']),
    );
    const backtestBody = document.paths['/backtests'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(backtestBody.properties)).toEqual(expect.arrayContaining(['sweep', 'rankBy', 'walkForward']));
    expect(document.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    // A request's settings carry their checks: the times of day their pattern.
    const risk = document.paths['/bots'].post.requestBody.content['application/json'].schema.properties.riskSettings;
    expect(risk.properties.tradingHoursStart).toMatchObject({ type: 'string', pattern: expect.any(String) });
    expect(risk.properties.dailyLossTimeZone).toMatchObject({ type: 'string', 'x-allowed': 'IANA time zone name' });
  });
});
