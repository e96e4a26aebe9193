// API process: REST over the engine's database and the bots' Temporal Schedules.
import { BacktestLauncher } from '../bots/backtest-launcher.ts';
import { engineBrokerDirectory } from '../bots/broker-directory.ts';
import { GlobalKillSwitch } from '../bots/kill-switch.ts';
import { PositionCloser } from '../bots/position-closer.ts';
import { BotSchedules } from '../bots/schedule.ts';
import { ApiTokens } from '../db/api-tokens.ts';
import { loadConfig } from '../infra/config.ts';
import { createLogger } from '../infra/logger.ts';
import { connectDatabase, connectTemporal, required } from '../infra/startup.ts';
import { exitOnStartupError, StartupError } from '../infra/startup-error.ts';
import { buildApp } from './app.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'api', config.LOG_FORMAT);
  const orm = await connectDatabase(required(config.DATABASE_URL, 'DATABASE_URL'));
  const temporal = await connectTemporal(
    required(config.TEMPORAL_ADDRESS, 'TEMPORAL_ADDRESS'),
    config.TEMPORAL_NAMESPACE,
  );
  const schedules = new BotSchedules(temporal.client, config.TEMPORAL_TASK_QUEUE);
  const app = await buildApp({
    orm,
    schedules,
    symbols: engineBrokerDirectory(orm, config.PAPER_FEED_SEED),
    killSwitch: new GlobalKillSwitch(orm, schedules, temporal.client, config.TEMPORAL_TASK_QUEUE),
    positions: new PositionCloser(temporal.client, config.TEMPORAL_TASK_QUEUE),
    backtests: new BacktestLauncher(temporal.client, config.TEMPORAL_TASK_QUEUE),
    temporal: { checkHealth: () => temporal.client.workflowService.getSystemInfo({}) },
    tokens: new ApiTokens(orm.em),
    logger,
    webUi: { baseUrl: config.temporalUiUrl, namespace: config.TEMPORAL_NAMESPACE },
  });
  try {
    await app.listen({ host: config.API_HOST, port: config.API_PORT });
  } catch (error) {
    throw new StartupError(
      `cannot listen on API_HOST=${config.API_HOST} API_PORT=${config.API_PORT}: ${(error as Error).message}`,
    );
  }
  let stopping: Promise<void> | null = null;
  // Ctrl-C reaches every process of the terminal, then `npm start` sends SIGTERM: stop once.
  const stop = () => {
    stopping ??= (async () => {
      await app.close();
      await temporal.close();
      await orm.close();
    })();
    return stopping;
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Started by `npm start`: if it dies, even by SIGKILL, its IPC channel closes and the API stops.
  // The channel must not keep this process alive once its work is done.
  process.channel?.unref();
  process.on('disconnect', stop);
}

main().catch(exitOnStartupError);
