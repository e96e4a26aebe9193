// The engine under test: a fresh database, the run's Temporal dev server, and a worker whose
// activities trade on the paper broker at a clock the test controls.
import type { Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../activities/deps.ts';
import type { BrokerPort } from '../../brokers/port.ts';
import { BotSchedules } from '../../bots/schedule.ts';
import { PositionCloser } from '../../bots/position-closer.ts';
import { BotService, type NewBot } from '../../bots/service.ts';
import { brokerSymbolCatalog } from '../../brokers/symbol-catalog.ts';
import type { IBot } from '../../db/entities/index.ts';
import { createLogger } from '../../infra/logger.ts';
import { computeThreadCounts } from '../../activities/backtest-threads.ts';
import { createEngineMetrics } from '../../infra/metrics.ts';
import { databaseMetricSources } from '../../bots/metric-sources.ts';
import type { TemporalConnections } from '../../infra/startup.ts';
import { engineBrokerDirectory } from '../../bots/broker-directory.ts';
import { scalperCycle } from '../../workflows/index.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { connectTestTemporal, connectTestWorkerTemporal, uniqueTaskQueue } from './temporal.ts';
import { createTestWorker } from './test-worker.ts';

export interface TestEngineOptions {
  feedSeed: number;
  /** Wall clock when absent. */
  now?: () => number;
  /** Wraps each account's broker, e.g. to slow it down. */
  wrapBroker?: (broker: BrokerPort) => BrokerPort;
  /**
   * Where the bots' schedules start their cycles: `worker` = this engine's worker (schedules
   * really drive cycles), `nowhere` = a queue nobody polls (the test runs each cycle itself).
   */
  schedulesTo: 'worker' | 'nowhere';
  /** The worker loads this prebuilt workflow bundle; the run's when absent. */
  workflowBundlePath?: string;
}

export interface TestEngine {
  db: TestDatabase;
  temporal: TemporalConnections;
  taskQueue: string;
  schedules: BotSchedules;
  bots: BotService;
  brokerFor(account: string): BrokerPort;
  /** What the worker's activities were built with, to call one directly. */
  deps: ActivityDeps;
  createBot(input: NewBot): Promise<IBot>;
  runCycle(bot: IBot, suffix: string): ReturnType<typeof runCycleOn>;
  stop(): Promise<void>;
}

function runCycleOn(temporal: TemporalConnections, taskQueue: string, bot: IBot, suffix: string) {
  return temporal.client.workflow.execute(scalperCycle, {
    taskQueue,
    workflowId: `test-cycle-${bot.id}-${suffix}`,
    args: [{ botId: bot.id }],
  });
}

export async function startTestEngine(options: TestEngineOptions): Promise<TestEngine> {
  const db = await createTestDatabase();
  const temporal = await connectTestTemporal();
  const taskQueue = uniqueTaskQueue('engine');
  const now = options.now ?? (() => Date.now());
  const schedules = new BotSchedules(
    temporal.client,
    options.schedulesTo === 'worker' ? taskQueue : uniqueTaskQueue('unpolled'),
  );
  const bots = new BotService(db.orm.em, schedules, brokerSymbolCatalog());
  const directory = engineBrokerDirectory(db.orm, options.feedSeed, now);
  const wrapped = new Map<string, BrokerPort>();
  const brokerFor = (account: string): BrokerPort => {
    let broker = wrapped.get(account);
    if (!broker) {
      broker = options.wrapBroker ? options.wrapBroker(directory.brokerFor(account)) : directory.brokerFor(account);
      wrapped.set(account, broker);
    }
    return broker;
  };
  const logger = createLogger('warn', 'test-worker');
  const deps: ActivityDeps = {
    orm: db.orm,
    brokerFor,
    schedules,
    positions: new PositionCloser(temporal.client, taskQueue),
    logger,
    metrics: createEngineMetrics(undefined, {
      computeThreads: computeThreadCounts,
      ...databaseMetricSources(db.orm, logger),
    }),
    now,
  };
  const connection = await connectTestWorkerTemporal();
  const worker: Worker = await createTestWorker(connection, taskQueue, deps, options.workflowBundlePath);
  const running = worker.run();
  const created: IBot[] = [];
  return {
    db,
    temporal,
    taskQueue,
    schedules,
    bots,
    brokerFor,
    deps,
    async createBot(input) {
      const bot = await bots.create(input);
      created.push(bot);
      return bot;
    },
    runCycle: (bot, suffix) => runCycleOn(temporal, taskQueue, bot, suffix),
    async stop() {
      // Schedules outlive a test database: remove them so they start nothing more.
      for (const bot of created) await schedules.remove(bot.id);
      worker.shutdown();
      await running;
      await connection.close();
      await temporal.close();
      await db.drop();
    },
  };
}
