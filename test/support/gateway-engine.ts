// The engine trading over HTTP: a fresh database, the real Python gateway on its simulated
// terminal behind a proxy the test can break (test/support/gateway-proxy.ts), and a worker whose
// clock is the terminal's manual clock. Accounts are registered on the proxy, as `scalper account
// add` would, with the token in the environment variable they name.
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../activities/deps.ts';
import { engineBrokerDirectory } from '../../bots/broker-directory.ts';
import { BotSchedules } from '../../bots/schedule.ts';
import { PositionCloser } from '../../bots/position-closer.ts';
import { BotService, type NewBot } from '../../bots/service.ts';
import type { AccountEnvironment } from '../../brokers/accounts.ts';
import { BrokerAccounts } from '../../db/broker-accounts.ts';
import type { IBot } from '../../db/entities/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { createEngineMetrics } from '../../infra/metrics.ts';
import { databaseMetricSources } from '../../bots/metric-sources.ts';
import type { TemporalConnections } from '../../infra/startup.ts';
import { scalperCycle } from '../../workflows/index.ts';
import { gatewayInstruments, SERVER_UTC_OFFSET_HOURS, simulator } from '../integration/brokers/mt5-gateway-harness.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { type GatewayProcess, startGateway } from './gateway-process.ts';
import { type GatewayProxy, startGatewayProxy } from './gateway-proxy.ts';
import { connectTestTemporal, connectTestWorkerTemporal, uniqueTaskQueue } from './temporal.ts';
import { createTestWorker } from './test-worker.ts';

export interface GatewayEngine {
  db: TestDatabase;
  temporal: TemporalConnections;
  gateway: GatewayProcess;
  proxy: GatewayProxy;
  bots: BotService;
  deps: ActivityDeps;
  simulator: ReturnType<typeof simulator>;
  /** Loads a fresh simulated terminal and sets the engine's clock to its manual clock. */
  load(scenario: Record<string, unknown>): Promise<void>;
  /** Moves the terminal's clock and the engine's together. */
  advance(ms: number): Promise<void>;
  now(): number;
  /** A demo (or live) mt5-gateway account reached through the proxy. */
  register(name: string, options?: { commissionPerLot?: number; environment?: AccountEnvironment }): Promise<void>;
  createBot(input: NewBot): Promise<IBot>;
  runCycle(bot: IBot, suffix: string): Promise<unknown>;
  stop(): Promise<void>;
}

export async function startGatewayEngine(options: { token: string; tokenEnv: string }): Promise<GatewayEngine> {
  const [db, temporal, gateway] = await Promise.all([
    createTestDatabase(),
    connectTestTemporal(),
    startGateway({ token: options.token, tradeTimeoutMs: 2_000, serverUtcOffsetHours: SERVER_UTC_OFFSET_HOURS }),
  ]);
  process.env[options.tokenEnv] = options.token;
  const proxy = await startGatewayProxy(gateway.baseUrl);
  let clock = 0;
  const now = () => clock;
  const directory = engineBrokerDirectory(db.orm, 1, now);
  const schedules = new BotSchedules(temporal.client, uniqueTaskQueue('unpolled'));
  const bots = new BotService(db.orm.em, schedules, directory);
  const taskQueue = uniqueTaskQueue('gateway-engine');
  const logger = createLogger('silent', 'gateway-engine');
  const deps: ActivityDeps = {
    orm: db.orm,
    brokerFor: (account) => directory.brokerFor(account),
    schedules,
    positions: new PositionCloser(temporal.client, taskQueue),
    logger,
    metrics: createEngineMetrics(undefined, databaseMetricSources(db.orm, logger)),
    now,
  };
  const connection: NativeConnection = await connectTestWorkerTemporal();
  const worker: Worker = await createTestWorker(connection, taskQueue, deps);
  const running = worker.run();
  const created: IBot[] = [];
  const sim = simulator(gateway);

  return {
    db,
    temporal,
    gateway,
    proxy,
    bots,
    deps,
    simulator: sim,
    async load(scenario) {
      const manual = (scenario.clock as { manual?: unknown } | undefined)?.manual;
      if (typeof manual !== 'number') throw new Error('a gateway engine scenario runs on a manual clock');
      await sim.scenario(scenario);
      clock = manual;
    },
    async advance(ms) {
      await sim.advance(ms);
      clock += ms;
    },
    now,
    async register(name, { commissionPerLot = 0, environment = 'demo' } = {}) {
      await new BrokerAccounts(db.orm.em).add({
        name,
        kind: 'mt5-gateway',
        environment,
        connection: {
          url: proxy.baseUrl,
          tokenEnv: options.tokenEnv,
          instruments: gatewayInstruments(commissionPerLot),
        },
      });
    },
    async createBot(input) {
      const bot = await bots.create(input);
      created.push(bot);
      return bot;
    },
    runCycle: (bot, suffix) =>
      temporal.client.workflow.execute(scalperCycle, {
        taskQueue,
        workflowId: `gateway-engine-${bot.id}-${suffix}`,
        args: [{ botId: bot.id }],
        workflowRunTimeout: '2 minutes',
      }),
    async stop() {
      for (const bot of created) await schedules.remove(bot.id);
      worker.shutdown();
      await running;
      await connection.close();
      await temporal.close();
      await proxy.stop();
      await gateway.stop();
      await db.drop();
    },
  };
}
