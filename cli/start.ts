// `npm start`: PostgreSQL, the Temporal dev server, migrations, the demo bot, then the worker and
// API as child processes. Ctrl-C stops them all; the next start reuses ./.data.
import { spawn, type ChildProcess } from 'node:child_process';
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
import {
  connectDatabase,
  connectTemporal,
  exitOnStartupError,
  reportStartupError,
  StartupError,
} from '../infra/startup.ts';
import { recordDevServer, temporalPidFile } from '../infra/leftovers.ts';
import { isListening } from '../infra/ports.ts';
import { startTemporalDevServer } from '../infra/temporal-server.ts';
import { ensureStartToken } from './start-token.ts';

let config: EngineConfig;
try {
  config = loadConfig();
} catch (error) {
  exitOnStartupError(error);
}
const logger = createLogger(config.LOG_LEVEL, 'start', config.LOG_FORMAT);
const cleanups: Array<{ name: string; stop: () => Promise<unknown> }> = [];
const children: ChildProcess[] = [];
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
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
        }),
    ),
  );
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

function launch(name: string, script: string, env: NodeJS.ProcessEnv): ChildProcess {
  // The IPC channel closes when this process dies, however it dies: the children then stop too.
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], {
    env,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  });
  child.once('exit', (code, signal) => {
    if (stopping) return;
    logger.error({ code, signal }, `${name} exited; stopping everything`);
    void shutdown(code || 1);
  });
  children.push(child);
  return child;
}

async function main(): Promise<void> {
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    logger.info(
      { dataDir: join(config.dataDir, 'postgres'), port: config.POSTGRES_PORT },
      'starting embedded PostgreSQL',
    );
    const postgres = await startEmbeddedPostgres({
      dataDir: join(config.dataDir, 'postgres'),
      port: config.POSTGRES_PORT,
      database: 'scalper',
      persistent: true,
      onLog: (line) => logger.debug(line),
    });
    if (postgres.reused)
      logger.warn({ url: redactUrl(postgres.url) }, 'reusing the embedded PostgreSQL an earlier run left running');
    cleanups.push({ name: 'PostgreSQL', stop: () => postgres.stop() });
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
    const temporal = await startTemporalDevServer({
      cliPath: config.TEMPORAL_CLI_PATH,
      cacheDir: config.cacheDir,
      namespace: config.TEMPORAL_NAMESPACE,
      dbFilename: join(config.dataDir, 'temporal.db'),
      port: config.TEMPORAL_PORT,
      uiPort: config.TEMPORAL_UI_PORT,
      log: (line) => logger.info(line),
    });
    const dbFilename = join(config.dataDir, 'temporal.db');
    // So that `npm run stop-leftovers` finds this one, and only this one, if this process is killed.
    if ((await recordDevServer(config.dataDir, dbFilename)) === null)
      logger.warn('the dev server process was not found: stop-leftovers will not know it');
    cleanups.push({
      name: 'Temporal dev server',
      stop: async () => {
        await temporal.stop();
        await rm(temporalPidFile(config.dataDir), { force: true });
      },
    });
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
  launch('worker', '../worker/main.ts', env);
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
