// The REST API on real PostgreSQL and Temporal, through `inject`.
import { buildApp, type App } from '../../../api/app.ts';
import { BotSchedules, scheduleIdOf } from '../../../bots/schedule.ts';
import { BotService } from '../../../bots/service.ts';
import { createLogger } from '../../../infra/logger.ts';
import type { TemporalConnections } from '../../../infra/startup.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { connectTestTemporal, uniqueTaskQueue } from '../../support/temporal.ts';

let db: TestDatabase;
let temporal: TemporalConnections;
let app: App;
let bots: BotService;
let temporalReachable = true;

beforeAll(async () => {
  db = await createTestDatabase();
  temporal = await connectTestTemporal();
  const schedules = new BotSchedules(temporal.client, uniqueTaskQueue('unpolled'));
  bots = new BotService(db.orm.em, schedules);
  app = await buildApp({
    orm: db.orm,
    schedules,
    temporal: {
      checkHealth: async () => {
        if (!temporalReachable) throw new Error('connection refused');
        return temporal.client.workflowService.getSystemInfo({});
      },
    },
    logger: createLogger('silent', 'test-api'),
  });
});

afterAll(async () => {
  await app.close();
  await temporal.close();
  await db.drop();
});

describe('GET /health', () => {
  it('is ok when PostgreSQL and Temporal answer', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      checks: { database: { status: 'ok' }, temporal: { status: 'ok' } },
    });
  });

  it('is 503 and names the failing dependency', async () => {
    temporalReachable = false;
    try {
      const response = await app.inject({ method: 'GET', url: '/health' });
      expect(response.statusCode).toBe(503);
      expect(response.json()).toMatchObject({
        status: 'degraded',
        checks: { database: { status: 'ok' }, temporal: { status: 'failing', error: 'connection refused' } },
      });
    } finally {
      temporalReachable = true;
    }
  });
});

describe('GET /bots', () => {
  it('lists bots with the pause state Temporal holds, as the terminal left it', async () => {
    const running = await bots.create({ name: 'api-running', symbol: 'XAUUSDm', autoTrade: true });
    const paused = await bots.create({ name: 'api-paused', symbol: 'EURUSDm' });
    await temporal.client.schedule.getHandle(scheduleIdOf(paused.id)).pause('paused from the terminal');

    const response = await app.inject({ method: 'GET', url: '/bots' });
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

  it('serves the OpenAPI document', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    expect(Object.keys(response.json().paths)).toEqual(expect.arrayContaining(['/health', '/bots']));
  });
});
