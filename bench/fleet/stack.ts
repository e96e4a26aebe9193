// The whole stack on this machine, as `npm start` runs it: an embedded PostgreSQL, a Temporal dev
// server, and the production worker (with the launcher's memory settings) and API as child
// processes — with the pids the benchmark reads their memory and CPU from. Everything is thrown
// away at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openOrm, type Orm } from '../../db/orm.ts';
import { loadConfig } from '../../infra/config.ts';
import { recordDevServer } from '../../infra/leftovers.ts';
import { freePort, isListening } from '../../infra/ports.ts';
import { startEmbeddedPostgres } from '../../infra/postgres.ts';
import { connectTemporal, type TemporalConnections } from '../../infra/startup.ts';
import { startTemporalDevServer } from '../../infra/temporal-server.ts';
import { WORKER_MALLOC_ENV, WORKER_NODE_FLAGS } from '../../infra/worker-process.ts';
import { bundleWorkflows } from '../../scripts/bundle-workflows.ts';

export interface Stack {
  dataDir: string;
  databaseUrl: string;
  orm: Orm;
  temporal: TemporalConnections;
  taskQueue: string;
  pids: { worker: number; api: number; temporal: number | null; postgres: number };
  workerMetricsUrl: string;
  temporalMetricsUrl: string;
  stop(): Promise<void>;
}

const script = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

function launch(
  path: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  nodeFlags: readonly string[] = [],
): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, script(path)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface StackOptions {
  /** The dev server keeps its state in memory instead of a SQLite file. */
  inMemory?: boolean;
  sqlitePragmas?: string[];
  dynamicConfig?: string[];
}

export async function startStack(log: (line: string) => void, options: StackOptions = {}): Promise<Stack> {
  const config = loadConfig();
  const dataDir = await mkdtemp(join(tmpdir(), 'scalper-fleet-'));
  // Run as root, PostgreSQL runs as the postgres user, who must reach its directory inside this one.
  await chmod(dataDir, 0o755);
  // Run last (stops run in reverse): the logs, the dev server's file and the bundle go too.
  const stops: Array<() => Promise<unknown>> = [() => rm(dataDir, { recursive: true, force: true })];
  const postgres = await startEmbeddedPostgres({
    dataDir: join(dataDir, 'postgres'),
    port: await freePort(),
    database: 'scalper',
    persistent: false,
  });
  stops.push(() => postgres.stop());
  const dbFilename = join(dataDir, 'temporal.db');
  const temporalMetricsPort = await freePort();
  const devServer = await startTemporalDevServer({
    metricsPort: temporalMetricsPort,
    cliPath: config.TEMPORAL_CLI_PATH,
    cacheDir: config.cacheDir,
    namespace: config.TEMPORAL_NAMESPACE,
    ...(options.inMemory ? {} : { dbFilename }),
    ...(options.sqlitePragmas ? { sqlitePragmas: options.sqlitePragmas } : {}),
    ...(options.dynamicConfig ? { dynamicConfig: options.dynamicConfig } : {}),
    log,
  });
  stops.push(() => devServer.stop());
  const orm = await openOrm(postgres.url);
  stops.push(() => orm.close(true));
  const temporal = await connectTemporal(devServer.address, config.TEMPORAL_NAMESPACE);
  stops.push(() => temporal.close());

  // As in production (the Docker image): the worker loads a prebuilt workflow bundle.
  const workflowBundlePath = join(dataDir, 'workflow-bundle.js');
  await bundleWorkflows(workflowBundlePath);
  const taskQueue = 'scalper';
  const apiPort = await freePort();
  const workerMetricsPort = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: devServer.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    LOG_FORMAT: 'json',
  };
  const worker = launch(
    'worker/main.ts',
    {
      ...env,
      ...WORKER_MALLOC_ENV,
      WORKER_METRICS_PORT: String(workerMetricsPort),
      TEMPORAL_SDK_METRICS_PORT: String(await freePort()),
      WORKFLOW_BUNDLE_PATH: workflowBundlePath,
    },
    join(dataDir, 'worker.log'),
    WORKER_NODE_FLAGS,
  );
  const api = launch(
    'api/main.ts',
    { ...env, API_HOST: '127.0.0.1', API_PORT: String(apiPort) },
    join(dataDir, 'api.log'),
  );
  for (const child of [worker, api]) stops.push(async () => child.kill('SIGKILL'));
  await until('the worker serving its metrics', () => isListening(`127.0.0.1:${workerMetricsPort}`), 120_000);
  await until('the API listening', () => isListening(`127.0.0.1:${apiPort}`), 120_000);
  const postmaster = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  return {
    dataDir,
    databaseUrl: postgres.url,
    orm,
    temporal,
    taskQueue,
    pids: {
      worker: worker.pid!,
      api: api.pid!,
      temporal: options.inMemory ? null : await recordDevServer(dataDir, dbFilename),
      postgres: postmaster,
    },
    workerMetricsUrl: `http://127.0.0.1:${workerMetricsPort}/metrics`,
    temporalMetricsUrl: `http://127.0.0.1:${temporalMetricsPort}/metrics`,
    async stop() {
      for (const stop of stops.reverse()) await stop().catch((error: unknown) => log(`cleanup: ${String(error)}`));
    },
  };
}
