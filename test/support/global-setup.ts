// Starts the real servers the integration tests run against, once per jest run:
// PostgreSQL (DATABASE_URL, else a throw-away embedded cluster) and Temporal (TEMPORAL_ADDRESS,
// else a dev server from the `temporal` CLI); and the workflow bundle the tests' workers load.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../infra/config.ts';
import { freePort } from '../../infra/ports.ts';
import { startEmbeddedPostgres } from '../../infra/postgres.ts';
import { startTemporalDevServer } from '../../infra/temporal-server.ts';
import { bundleWorkflows } from '../../scripts/bundle-workflows.ts';
import { SERVERS_KEY, type TestServers } from './servers.ts';
import { TEST_WORKFLOW_BUNDLE_VAR } from './test-worker.ts';

export default async function globalSetup(): Promise<void> {
  const config = loadConfig();
  const servers: TestServers = { stops: [] };
  const log = (line: string) => process.stderr.write(`[test servers] ${line}\n`);

  // First: workflows that do not bundle fail the run here, before any server is started.
  const bundleDir = await mkdtemp(join(tmpdir(), 'scalper-test-bundle-'));
  servers.stops.push(() => rm(bundleDir, { recursive: true, force: true }));
  const bundlePath = join(bundleDir, 'workflow-bundle.js');
  await bundleWorkflows(bundlePath).catch(async (error: unknown) => {
    await rm(bundleDir, { recursive: true, force: true });
    throw error;
  });
  process.env[TEST_WORKFLOW_BUNDLE_VAR] = bundlePath;

  if (!config.DATABASE_URL) {
    const dataDir = await mkdtemp(join(tmpdir(), 'scalper-test-pg-'));
    const postgres = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      database: 'postgres',
      persistent: false,
    });
    servers.stops.push(() => postgres.stop());
    process.env.DATABASE_URL = postgres.url;
  }
  if (!config.TEMPORAL_ADDRESS) {
    const temporal = await startTemporalDevServer({
      cliPath: config.TEMPORAL_CLI_PATH,
      cacheDir: config.cacheDir,
      namespace: config.TEMPORAL_NAMESPACE,
      log,
    });
    servers.stops.push(() => temporal.stop());
    process.env.TEMPORAL_ADDRESS = temporal.address;
  }
  (globalThis as Record<string, unknown>)[SERVERS_KEY] = servers;
}
