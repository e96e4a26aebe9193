// `npm start`: PostgreSQL, the Temporal dev server, migrations, the demo bot, then the worker and
// API as child processes. What dies is started again (infra/restart-policy.ts); Ctrl-C stops them
// all; the next start reuses ./.data.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BotSchedules } from '../bots/schedule.ts';
import { brokerSymbolCatalog } from '../brokers/symbol-catalog.ts';
import { BotService } from '../bots/service.ts';
import { ApiTokens } from '../db/api-tokens.ts';
import { loadConfig, redactUrl, type EngineConfig } from '../infra/config.ts';
import { createLogger } from '../infra/logger.ts';
import { startEmbeddedPostgres } from '../infra/postgres.ts';
import { connectDatabase, connectTemporal } from '../infra/startup.ts';
import { exitOnStartupError, reportStartupError, StartupError } from '../infra/startup-error.ts';
import { recordDevServer, temporalPidFile } from '../infra/leftovers.ts';
import { isListening } from '../infra/ports.ts';
import { watchServer } from '../infra/server-watch.ts';
import { superviseChild, type SupervisedChild } from '../infra/supervised-child.ts';
import { startTemporalDevServer, type DevServerOptions } from '../infra/temporal-server.ts';
import { WORKER_MALLOC_ENV, WORKER_NODE_FLAGS } from '../infra/worker-process.ts';
import { ensureStartToken } from './start-token.ts';

let config: EngineConfig;
try {
  config = loadConfig();
} catch (error) {
  exitOnStartupError(error);
}
const logger = createLogger(config.LOG_LEVEL, 'start', config.LOG_FORMAT);
const cleanups: Array<{ name: string; stop: () => Promise<unknown> }> = [];
const children: SupervisedChild[] = [];
const watches: Array<{ stop(): void }> = [];
let stopping = false;

function withTimeout(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info('stopping');
  // Native teardown promises do not hold the event loop open; this does, until the end.
  setInterval(() => {}, 1_000);
  for (const watch of watches) watch.stop();
  await Promise.all(children.map((child) => child.stop()));
  for (const { name, stop } of cleanups.reverse()) {
    await withTimeout(
      stop().catch((error) => logger.warn({ err: error }, `stopping ${name} failed`)),
      15_000,
    );
  }
  logger.info('stopped');
  process.exit(code);
}

/** The banner is only printed once the API answers healthy: then the worker has connected too. */
async function waitUntilHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const healthy = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new StartupError(`the API did not report healthy at ${url} within ${timeoutMs / 1000} s`);
}

/** What cannot be kept running stops everything, with the reason as the last word. */
function giveUp(reason: string): void {
  if (stopping) return;
  logger.error(`${reason}: stopping everything`);
  void shutdown(1);
}

function launch(name: string, script: string, env: NodeJS.ProcessEnv, nodeFlags: readonly string[] = []): void {
  const path = fileURLToPath(new URL(script, import.meta.url));
  children.push(superviseChild({ name, script: path, nodeFlags, env, logger, onGiveUp: giveUp }));
}

/** Registers the server's stop for shutdown, and watches it while it should be running. */
function keepRunning<T extends { stop(): Promise<void> }>(
  name: string,
  address: string,
  server: T,
  start: () => Promise<T>,
) {
  let current = server;
  cleanups.push({ name, stop: () => current.stop() });
  watches.push(
    watchServer(
      {
        name,
        address,
        isUp: () => isListening(address),
        restart: async () => {
          current = await start();
        },
      },
      { logger, onGiveUp: giveUp },
    ),
  );
}

async function main(): Promise<void> {
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    logger.info(
      { dataDir: join(config.dataDir, 'postgres'), port: config.POSTGRES_PORT },
      'starting embedded PostgreSQL',
    );
    const startPostgres = () =>
      startEmbeddedPostgres({
        dataDir: join(config.dataDir, 'postgres'),
        port: config.POSTGRES_PORT,
        database: 'scalper',
        persistent: true,
        onLog: (line) => logger.debug(line),
      });
    const postgres = await startPostgres();
    if (postgres.reused)
      logger.warn({ url: redactUrl(postgres.url) }, 'reusing the embedded PostgreSQL an earlier run left running');
    keepRunning('PostgreSQL', `127.0.0.1:${new URL(postgres.url).port}`, postgres, startPostgres);
    databaseUrl = postgres.url;
  }
  const orm = await connectDatabase(databaseUrl);

  let temporalAddress = config.TEMPORAL_ADDRESS;
  // The same base URL the API links orders and cycles to (TEMPORAL_UI_URL, else the dev server's).
  let uiUrl = config.TEMPORAL_UI_URL ?? 'the Web UI of your Temporal cluster';
  const leftover = `127.0.0.1:${config.TEMPORAL_PORT}`;
  if (!temporalAddress && (await isListening(leftover))) {
    // A dev server an earlier run left behind (its launcher was killed) holds the port: use it.
    await (await connectTemporal(leftover, config.TEMPORAL_NAMESPACE)).close();
    logger.warn(
      { address: leftover },
      'reusing the Temporal server already listening on TEMPORAL_PORT (left by an earlier run?)',
    );
    temporalAddress = leftover;
    uiUrl = config.temporalUiUrl;
  }
  if (!temporalAddress) {
    logger.info({ port: config.TEMPORAL_PORT, uiPort: config.TEMPORAL_UI_PORT }, 'starting the Temporal dev server');
    const dbFilename = join(config.dataDir, 'temporal.db');
    const options: DevServerOptions = {
      cliPath: config.TEMPORAL_CLI_PATH,
      cacheDir: config.cacheDir,
      namespace: config.TEMPORAL_NAMESPACE,
      dbFilename,
      port: config.TEMPORAL_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      log: (line) => logger.info(line),
    };
    const startTemporal = async () => {
      const started = await startTemporalDevServer(options);
      // So that `npm run stop-leftovers` finds this one, and only this one, if this process is killed.
      if ((await recordDevServer(config.dataDir, dbFilename)) === null)
        logger.warn('the dev server process was not found: stop-leftovers will not know it');
      return {
        ...started,
        stop: async () => {
          await started.stop();
          await rm(temporalPidFile(config.dataDir), { force: true });
        },
      };
    };
    const temporal = await startTemporal();
    keepRunning('Temporal dev server', temporal.address, temporal, startTemporal);
    temporalAddress = temporal.address;
    uiUrl = config.TEMPORAL_UI_URL ?? temporal.uiUrl ?? uiUrl;
  }
  const temporal = await connectTemporal(temporalAddress, config.TEMPORAL_NAMESPACE);
  const bots = new BotService(
    orm.em,
    new BotSchedules(temporal.client, config.TEMPORAL_TASK_QUEUE),
    brokerSymbolCatalog(),
  );
  if (config.DEMO_BOT) {
    const demo = await bots.ensureDemoBot();
    logger.info({ botId: demo.id, symbol: demo.symbol }, 'demo paper bot ready (DEMO_BOT=false to skip)');
  }
  const apiToken = await ensureStartToken(new ApiTokens(orm.em), join(config.dataDir, 'api-token'));
  await temporal.close();
  await orm.close();

  const env = { ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress };
  launch('worker', '../worker/main.ts', { ...env, ...WORKER_MALLOC_ENV }, WORKER_NODE_FLAGS);
  launch('api', '../api/main.ts', env);
  const apiUrl = `http://${config.API_HOST}:${config.API_PORT}`;
  await waitUntilHealthy(`${apiUrl}/health`, 120_000);
  process.stdout.write(
    [
      '',
      'scalper-engine is running',
      `  Temporal Web UI  ${uiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/schedules`,
      `  REST API         ${apiUrl}  (docs: ${apiUrl}/docs, health: ${apiUrl}/health)`,
      apiToken.created
        ? `  API token        ${apiToken.token}\n                   (trade scope, shown once; saved in ${apiToken.file})`
        : `  API token        in ${apiToken.file}  (Authorization: Bearer $(cat ${apiToken.file}))`,
      `  Metrics          worker http://${config.WORKER_METRICS_HOST}:${config.WORKER_METRICS_PORT}/metrics (Temporal SDK :${config.TEMPORAL_SDK_METRICS_PORT}), API ${apiUrl}/metrics`,
      `  PostgreSQL       ${redactUrl(databaseUrl)}`,
      `  Temporal         ${temporalAddress}`,
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

// Ctrl-C reaches this process twice (from the terminal and forwarded by npm): one clean stop.
// A signal well after the first forces the exit.
let firstSignalAt = 0;
function onSignal(): void {
  if (firstSignalAt === 0) {
    firstSignalAt = Date.now();
    void shutdown(0);
  } else if (Date.now() - firstSignalAt > 2_000) {
    process.stderr.write('scalper-engine: forced exit\n');
    process.exit(130);
  }
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
main().catch(async (error) => {
  reportStartupError(error);
  await shutdown(1);
});
