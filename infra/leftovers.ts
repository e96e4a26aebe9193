// The servers `npm start` runs outlive it when it is killed (kill -9): the next run reuses them,
// and `npm run stop-leftovers` stops exactly those — found by their pid files under DATA_DIR, never
// by a name pattern that would hit every dev server on a shared machine.
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isAlive, leftRunning, stopPostgresPid } from './postgres.ts';

const run = promisify(execFile);

export const temporalPidFile = (dataDir: string): string => join(dataDir, 'temporal.pid');

/** The command line of a live process, or null. */
async function commandOf(pid: number): Promise<string | null> {
  try {
    const { stdout } = await run('ps', ['-o', 'args=', '-p', String(pid)]);
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

/** The dev server serving `dbFilename` (its command line names it), if one runs. */
export async function findDevServerPid(dbFilename: string): Promise<number | null> {
  const { stdout } = await run('ps', ['-eo', 'pid=,args=']);
  for (const line of stdout.split('\n')) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (match && match[2]!.includes('start-dev') && match[2]!.includes(dbFilename)) return Number(match[1]);
  }
  return null;
}

/** Notes the dev server of this data directory in its pid file (pid, then its SQLite file). */
export async function recordDevServer(dataDir: string, dbFilename: string): Promise<number | null> {
  const pid = await findDevServerPid(dbFilename);
  if (pid !== null) await writeFile(temporalPidFile(dataDir), `${pid}\n${dbFilename}\n`);
  return pid;
}

async function stopDevServer(dataDir: string): Promise<string | null> {
  const file = temporalPidFile(dataDir);
  const recorded = await readFile(file, 'utf8').catch(() => null);
  if (recorded === null) return null;
  const [pidText, dbFilename = ''] = recorded.split('\n');
  const pid = Number(pidText);
  const command = Number.isInteger(pid) && pid > 0 ? await commandOf(pid) : null;
  await rm(file, { force: true });
  // A pid file outlives its process, and pids are reused: stop it only if it is still that server.
  if (command === null || !command.includes('start-dev') || !command.includes(dbFilename)) return null;
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; isAlive(pid) && waited < 10_000; waited += 100)
    await new Promise((resolve) => setTimeout(resolve, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  return `Temporal dev server (pid ${pid})`;
}

/** Stops the dev server and PostgreSQL an earlier `npm start` left running; names what it stopped. */
export async function stopLeftovers(dataDir: string): Promise<string[]> {
  const stopped: string[] = [];
  const temporal = await stopDevServer(dataDir);
  if (temporal) stopped.push(temporal);
  const postgres = leftRunning(join(dataDir, 'postgres'));
  if (postgres) {
    await stopPostgresPid(postgres.pid);
    stopped.push(`PostgreSQL (pid ${postgres.pid}, port ${postgres.port})`);
  }
  return stopped;
}
