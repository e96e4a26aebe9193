// The REST API on the run's real PostgreSQL and Temporal, for `inject` tests, with a token of
// each scope ready to use.
import { buildApp, type App } from '../../api/app.ts';
import { BacktestLauncher } from '../../bots/backtest-launcher.ts';
import { GlobalKillSwitch } from '../../bots/kill-switch.ts';
import { PositionCloser } from '../../bots/position-closer.ts';
import { BotSchedules } from '../../bots/schedule.ts';
import { BotService } from '../../bots/service.ts';
import { brokerSymbolCatalog } from '../../brokers/symbol-catalog.ts';
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
  /** false: the probe is refused at once; 'hangs': it never answers, as a blackholed server. */
  setTemporalReachable(reachable: boolean | 'hangs'): void;
  stop(): Promise<void>;
}

/** The Web UI base URL the test API links workflow runs to. */
export const TEST_WEB_UI = { baseUrl: 'http://temporal-ui.test:8233', namespace: 'default' };

/**
 * `db`: serve an existing database (a test engine's), left to its owner to drop. `workerQueue`: the
 * task queue of a worker that runs flattenBot (close-all, halt with flatten) and backtests; nobody's otherwise.
 * `scheduleQueue`: where the bots' schedules start their cycles (a worker's, to really run them).
 * `backtests`: the launcher backtests are started and asked about with (one on the run's Temporal otherwise).
 * `tokenSuffix`: appended to the tokens' names, for a second API on the same database.
 */
export async function startTestApi(
  options: {
    maxAuthFailures?: number;
    db?: TestDatabase;
    workerQueue?: string;
    scheduleQueue?: string;
    backtests?: BacktestLauncher;
    tokenSuffix?: string;
  } = {},
): Promise<TestApi> {
  const db = options.db ?? (await createTestDatabase());
  const temporal = await connectTestTemporal();
  const schedules = new BotSchedules(temporal.client, options.scheduleQueue ?? uniqueTaskQueue('unpolled'));
  const workerQueue = options.workerQueue ?? uniqueTaskQueue('unpolled');
  const tokens = new ApiTokens(db.orm.em);
  const symbols = brokerSymbolCatalog();
  let temporalReachable: boolean | 'hangs' = true;
  const app = await buildApp({
    orm: db.orm,
    schedules,
    symbols,
    killSwitch: new GlobalKillSwitch(db.orm, schedules, temporal.client, workerQueue),
    positions: new PositionCloser(temporal.client, workerQueue),
    backtests: options.backtests ?? new BacktestLauncher(temporal.client, workerQueue),
    tokens,
    temporal: {
      checkHealth: async () => {
        if (temporalReachable === 'hangs') return new Promise(() => {});
        if (!temporalReachable) throw new Error('connection refused');
        return temporal.client.workflowService.getSystemInfo({});
      },
    },
    logger: createLogger('silent', 'test-api'),
    webUi: TEST_WEB_UI,
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
    bots: new BotService(db.orm.em, schedules, symbols),
    tokens,
    read: await bearer(`test-read${options.tokenSuffix ?? ''}`, 'read'),
    trade: await bearer(`test-trade${options.tokenSuffix ?? ''}`, 'trade'),
    setTemporalReachable: (reachable) => {
      temporalReachable = reachable;
    },
    async stop() {
      await app.close();
      await temporal.close();
      if (!options.db) await db.drop();
    },
  };
}
