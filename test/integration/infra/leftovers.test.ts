// What a killed `npm start` leaves running is stopped by its pid files, and only that: a pid file
// whose process is now something else is left alone.
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../infra/config.ts';
import { recordDevServer, stopLeftovers, temporalPidFile } from '../../../infra/leftovers.ts';
import { freePort, isListening } from '../../../infra/ports.ts';
import { startEmbeddedPostgres } from '../../../infra/postgres.ts';
import { startTemporalDevServer } from '../../../infra/temporal-server.ts';

it('stops the dev server and PostgreSQL of its data directory, and says so', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'scalper-leftovers-'));
  // Run as root, PostgreSQL runs as the postgres user, who must reach its directory inside this one.
  await chmod(dataDir, 0o755);
  const config = loadConfig();
  const dbFilename = join(dataDir, 'temporal.db');
  const temporal = await startTemporalDevServer({
    cliPath: config.TEMPORAL_CLI_PATH,
    cacheDir: config.cacheDir,
    namespace: 'default',
    dbFilename,
    port: await freePort(),
    log: () => {},
  });
  const postgresPort = await freePort();
  let stopped: string[];
  let pid: number | null;
  try {
    await startEmbeddedPostgres({
      dataDir: join(dataDir, 'postgres'),
      port: postgresPort,
      database: 'scalper',
      persistent: true,
    });
    pid = await recordDevServer(dataDir, dbFilename);
    expect(pid).toEqual(expect.any(Number));
    stopped = await stopLeftovers(dataDir);
  } finally {
    await temporal.stop();
  }
  expect(stopped).toEqual([
    `Temporal dev server (pid ${pid})`,
    expect.stringMatching(/^PostgreSQL \(pid \d+, port \d+\)$/),
  ]);
  expect(await isListening(temporal.address)).toBe(false);
  expect(await isListening(`127.0.0.1:${postgresPort}`)).toBe(false);
  expect(existsSync(temporalPidFile(dataDir))).toBe(false);
  await expect(stopLeftovers(dataDir)).resolves.toEqual([]);
}, 120_000);

it('leaves alone a process that took over a recorded pid', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'scalper-leftovers-'));
  // This very process: alive, but not a dev server of that file.
  await writeFile(temporalPidFile(dataDir), `${process.pid}\n${join(dataDir, 'temporal.db')}\n`);
  await expect(stopLeftovers(dataDir)).resolves.toEqual([]);
  expect(existsSync(temporalPidFile(dataDir))).toBe(false);
});
