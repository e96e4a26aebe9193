// The REST API on the run's real PostgreSQL and Temporal, for `inject` tests, with a token of
// each scope ready to use.
import { buildApp, type App } from '../../api/app.ts';
import { BotSchedules } from '../../bots/schedule.ts';
import { BotService } from '../../bots/service.ts';
import { ApiTokens } from '../../db/api-tokens.ts';
import { createLogger } from '../../infra/logger.ts';
import type { TemporalConnections } from '../../infra/startup.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { connectTestTemporal, uniqueTaskQueue } from './temporal.ts';

export interface TestApi {
  app: App;
  db: TestDatabase;
  temporal: TemporalConnections;
  schedules: BotSchedules;
  bots: BotService;
  tokens: ApiTokens;
  /** Authorization headers of a read token and of a trade token. */
  read: { authorization: string };
  trade: { authorization: string };
  /** While false, the API's Temporal health probe fails as an unreachable server would. */
  setTemporalReachable(reachable: boolean): void;
  stop(): Promise<void>;
}

export async function startTestApi(options: { maxAuthFailures?: number } = {}): Promise<TestApi> {
  const db = await createTestDatabase();
  const temporal = await connectTestTemporal();
  const schedules = new BotSchedules(temporal.client, uniqueTaskQueue('unpolled'));
  const tokens = new ApiTokens(db.orm.em);
  let temporalReachable = true;
  const app = await buildApp({
    orm: db.orm,
    schedules,
    tokens,
    temporal: {
      checkHealth: async () => {
        if (!temporalReachable) throw new Error('connection refused');
        return temporal.client.workflowService.getSystemInfo({});
      },
    },
    logger: createLogger('silent', 'test-api'),
    auth: { maxFailures: options.maxAuthFailures ?? 10_000 },
  });
  const bearer = async (name: string, scope: 'read' | 'trade') => ({
    authorization: `Bearer ${(await tokens.create(name, scope)).token}`,
  });
  return {
    app,
    db,
    temporal,
    schedules,
    bots: new BotService(db.orm.em, schedules),
    tokens,
    read: await bearer('test-read', 'read'),
    trade: await bearer('test-trade', 'trade'),
    setTemporalReachable: (reachable) => {
      temporalReachable = reachable;
    },
    async stop() {
      await app.close();
      await temporal.close();
      await db.drop();
    },
  };
}
