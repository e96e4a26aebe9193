// Worker process: runs cycle workflows and activities on the `scalper` task queue.
import { Runtime } from '@temporalio/worker';
import { BotSchedules } from '../bots/schedule.ts';
import { PositionCloser } from '../bots/position-closer.ts';
import { BotService } from '../bots/service.ts';
import { loadConfig } from '../infra/config.ts';
import { createLogger } from '../infra/logger.ts';
import { createEngineMetrics } from '../infra/metrics.ts';
import { serveMetrics } from '../infra/metrics-server.ts';
import { connectDatabase, connectTemporal, required } from '../infra/startup.ts';
import { exitOnStartupError, StartupError } from '../infra/startup-error.ts';
import { connectWorkerTemporal } from '../infra/worker-connection.ts';
import { engineBrokerDirectory } from '../bots/broker-directory.ts';
import { forgetStartupReconciliations, liveAccountsTrading } from '../bots/broker-readiness.ts';
import { databaseMetricSources } from '../bots/metric-sources.ts';
import { computeThreadCounts } from '../activities/backtest-threads.ts';
import { createWorker } from './create-worker.ts';
import { sdkLogger } from './sdk-logger.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'worker', config.LOG_FORMAT);
  // The SDK is chatty at info (bundling, state changes): its own logs start at warn unless debugging.
  const sdkLevel = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? config.LOG_LEVEL : 'warn';
  Runtime.install({
    logger: sdkLogger(logger.child({ component: 'temporal-sdk' }, { level: sdkLevel })),
    // The SDK's own worker metrics (task slots, latencies, cache), on their own Prometheus port.
    telemetryOptions: {
      metrics: { prometheus: { bindAddress: `${config.WORKER_METRICS_HOST}:${config.TEMPORAL_SDK_METRICS_PORT}` } },
    },
  });
  const orm = await connectDatabase(required(config.DATABASE_URL, 'DATABASE_URL'));
  const temporalAddress = required(config.TEMPORAL_ADDRESS, 'TEMPORAL_ADDRESS');
  const temporal = await connectTemporal(temporalAddress, config.TEMPORAL_NAMESPACE);
  const connection = await connectWorkerTemporal(temporalAddress, config.TEMPORAL_NAMESPACE);
  const schedules = new BotSchedules(temporal.client, config.TEMPORAL_TASK_QUEUE);
  const brokers = engineBrokerDirectory(orm, config.PAPER_FEED_SEED);
  const bots = await new BotService(orm.em, schedules, brokers).syncSchedules();
  const unreconciled = await forgetStartupReconciliations(orm.em.fork());
  const live = await liveAccountsTrading(orm.em.fork());
  // Served once the worker reaches its database and Temporal: a worker that cannot reads as down.
  const metrics = createEngineMetrics(undefined, {
    computeThreads: computeThreadCounts,
    ...databaseMetricSources(orm, logger),
  });
  const metricsServer = await serveMetrics(
    metrics.registry,
    config.WORKER_METRICS_HOST,
    config.WORKER_METRICS_PORT,
  ).catch((error: unknown) => {
    throw new StartupError(
      `cannot serve metrics on WORKER_METRICS_HOST=${config.WORKER_METRICS_HOST} WORKER_METRICS_PORT=${config.WORKER_METRICS_PORT}: ${(error as Error).message}`,
    );
  });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundlePath: config.WORKFLOW_BUNDLE_PATH,
    deps: {
      orm,
      brokerFor: (account) => brokers.brokerFor(account),
      schedules,
      positions: new PositionCloser(temporal.client, config.TEMPORAL_TASK_QUEUE),
      logger,
      metrics,
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
    {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      bots,
      workflowBundle: config.WORKFLOW_BUNDLE_PATH ?? 'bundled at start',
      metrics: metricsServer.url,
      botsToReconcileFirst: unreconciled,
    },
    'worker running; schedules in step with bots',
  );
  if (live.length > 0) logger.warn({ accounts: live }, 'LIVE TRADING is enabled on these accounts: real money');
  // Resolves once SIGINT/SIGTERM has drained in-flight activities.
  await worker.run();
  await metricsServer.close();
  await connection.close();
  await temporal.close();
  await orm.close();
  logger.info('worker stopped');
}

main().catch(exitOnStartupError);
