// Worker process: runs cycle workflows and activities on the `scalper` task queue.
import { BotSchedules } from '../bots/schedule.ts';
import { BotService } from '../bots/service.ts';
import { loadConfig } from '../infra/config.ts';
import { createLogger } from '../infra/logger.ts';
import { connectDatabase, connectTemporal, exitOnStartupError, required } from '../infra/startup.ts';
import { createBrokerDirectory } from './brokers.ts';
import { createWorker } from './create-worker.ts';
import { createPostgresStateStore } from '../brokers/paper/postgres-store.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  const orm = await connectDatabase(required(config.DATABASE_URL, 'DATABASE_URL'));
  const temporal = await connectTemporal(required(config.TEMPORAL_ADDRESS, 'TEMPORAL_ADDRESS'), config.TEMPORAL_NAMESPACE);
  const schedules = new BotSchedules(temporal.client, config.TEMPORAL_TASK_QUEUE);
  const bots = await new BotService(orm.em, schedules).syncSchedules();
  const worker = await createWorker({
    connection: temporal.native,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: {
      orm,
      brokerFor: createBrokerDirectory({ store: createPostgresStateStore(orm), feedSeed: config.PAPER_FEED_SEED }),
      schedules,
      logger,
      now: () => Date.now(),
    },
  });
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, bots }, 'worker running; schedules in step with bots');
  // Resolves once SIGINT/SIGTERM has drained in-flight activities.
  await worker.run();
  await temporal.close();
  await orm.close();
  logger.info('worker stopped');
}

main().catch(exitOnStartupError);
