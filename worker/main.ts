// Worker process: runs cycle workflows and activities on the `scalper` task queue.
import { Runtime } from '@temporalio/worker';
import { BotSchedules } from '../bots/schedule.ts';
import { BotService } from '../bots/service.ts';
import { loadConfig } from '../infra/config.ts';
import { createLogger } from '../infra/logger.ts';
import { connectDatabase, connectTemporal, exitOnStartupError, required } from '../infra/startup.ts';
import { connectWorkerTemporal } from '../infra/worker-connection.ts';
import { createBrokerDirectory } from './brokers.ts';
import { createWorker } from './create-worker.ts';
import { createPostgresStateStore } from '../brokers/paper/postgres-store.ts';
import { sdkLogger } from './sdk-logger.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  // The SDK is chatty at info (bundling, state changes): its own logs start at warn unless debugging.
  const sdkLevel = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? config.LOG_LEVEL : 'warn';
  Runtime.install({ logger: sdkLogger(logger.child({ component: 'temporal-sdk' }, { level: sdkLevel })) });
  const orm = await connectDatabase(required(config.DATABASE_URL, 'DATABASE_URL'));
  const temporalAddress = required(config.TEMPORAL_ADDRESS, 'TEMPORAL_ADDRESS');
  const temporal = await connectTemporal(temporalAddress, config.TEMPORAL_NAMESPACE);
  const connection = await connectWorkerTemporal(temporalAddress, config.TEMPORAL_NAMESPACE);
  const schedules = new BotSchedules(temporal.client, config.TEMPORAL_TASK_QUEUE);
  const bots = await new BotService(orm.em, schedules).syncSchedules();
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundlePath: config.WORKFLOW_BUNDLE_PATH,
    deps: {
      orm,
      brokerFor: createBrokerDirectory({ store: createPostgresStateStore(orm), feedSeed: config.PAPER_FEED_SEED }),
      schedules,
      logger,
      now: () => Date.now(),
    },
  });
  // The SDK drains on the first SIGINT/SIGTERM and then stops listening; a second signal (Ctrl-C
  // and `npm start` both send one) must not kill the worker mid-drain.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => logger.info(`${signal}: draining`));
  // Started by `npm start`: if it dies, even by SIGKILL, its IPC channel closes and this worker drains.
  // The channel must not keep this process alive once its work is done.
  process.channel?.unref();
  process.on('disconnect', () => {
    logger.warn('the launcher is gone: draining');
    if (worker.getState() === 'RUNNING') worker.shutdown();
  });
  logger.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, bots, workflowBundle: config.WORKFLOW_BUNDLE_PATH ?? 'bundled at start' },
    'worker running; schedules in step with bots',
  );
  // Resolves once SIGINT/SIGTERM has drained in-flight activities.
  await worker.run();
  await connection.close();
  await temporal.close();
  await orm.close();
  logger.info('worker stopped');
}

main().catch(exitOnStartupError);
