// `npm start` keeps the engine running: a worker or API killed with SIGKILL is started again (a
// log line says so), a Temporal dev server or PostgreSQL killed under it is started again on the
// same port and data, and the engine answers healthy afterwards; Ctrl-C still stops everything. The
// worker, first and restarted, runs with its memory settings (infra/worker-process.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporalPidFile } from '../../../infra/leftovers.ts';
import { isListening } from '../../../infra/ports.ts';
import { restartablePorts } from '../../support/restart-ports.ts';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../../../infra/temporal-server.ts';
import { WORKER_MALLOC_ENV, WORKER_NODE_FLAGS } from '../../../infra/worker-process.ts';

const START = fileURLToPath(new URL('../../../cli/start.ts', import.meta.url));

interface LogLine {
  msg: string;
  pid?: number;
}

let launcher: ChildProcess;
let lines: LogLine[] = [];
let output = '';
let dataDir: string;
let ports: Record<'api' | 'postgres' | 'temporal' | 'worker', number>;

/** Waits for the `count`-th log line whose message matches `pattern`. */
async function logLine(pattern: RegExp, count = 1, timeoutMs = 60_000): Promise<LogLine> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = lines.filter((line) => pattern.test(line.msg));
    if (found.length >= count) return found[count - 1]!;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no log line ${pattern} (×${count}) within ${timeoutMs} ms; output:\n${output.slice(-3_000)}`);
}

async function healthy(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${ports.api}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the API never answered healthy again; output:\n${output.slice(-3_000)}`);
}

/** The worker runs with infra/worker-process.ts's node flags and malloc settings, as Linux shows them. */
function expectWorkerMemorySettings(pid: number): void {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  expect(argv.slice(1, 1 + WORKER_NODE_FLAGS.length)).toEqual(WORKER_NODE_FLAGS);
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  for (const [name, value] of Object.entries(WORKER_MALLOC_ENV)) expect(environ).toContain(`${name}=${value}`);
}

/** The dev server runs with the engine's dynamic config (infra/temporal-server.ts), as Linux shows it. */
function expectDevServerConfig(): void {
  const [pid] = readFileSync(temporalPidFile(dataDir), 'utf8').split('\n');
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const values = argv.flatMap((arg, i) => (argv[i - 1] === '--dynamic-config-value' ? [arg] : []));
  expect(values).toEqual(expect.arrayContaining(DEV_SERVER_DYNAMIC_CONFIG));
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scalper-launcher-'));
  // Run as root, PostgreSQL runs as the postgres user, who must reach its directory inside this one.
  await chmod(dataDir, 0o755);
  // Every process here is killed and started again on its ports: none from the ephemeral range.
  const [api, postgres, temporal, worker, temporalUi, sdkMetrics] = await restartablePorts(6);
  ports = { api: api!, postgres: postgres!, temporal: temporal!, worker: worker! };
  // The launcher starts its own servers: none of the test run's.
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.TEMPORAL_ADDRESS;
  launcher = spawn(process.execPath, [START], {
    env: {
      ...env,
      DATA_DIR: dataDir,
      DEMO_BOT: 'false',
      LOG_FORMAT: 'json',
      API_HOST: '127.0.0.1',
      API_PORT: String(ports.api),
      POSTGRES_PORT: String(ports.postgres),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(temporalUi),
      WORKER_METRICS_PORT: String(ports.worker),
      TEMPORAL_SDK_METRICS_PORT: String(sdkMetrics),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    lines = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  };
  launcher.stdout!.on('data', onData);
  launcher.stderr!.on('data', onData);
  await healthy(120_000);
}, 150_000);

afterAll(async () => {
  if (launcher && launcher.exitCode === null) {
    launcher.kill('SIGINT');
    await new Promise((resolve) => launcher.once('exit', resolve));
  }
}, 60_000);

it('starts again what dies under it — worker, API, Temporal dev server, PostgreSQL — and stops on Ctrl-C', async () => {
  // The worker, SIGKILLed: started again after 1 s, a new process that serves its metrics.
  const worker = await logLine(/^worker started$/);
  await logLine(/^worker running/);
  expectWorkerMemorySettings(worker.pid!);
  process.kill(worker.pid!, 'SIGKILL');
  await logLine(/^worker exited \(SIGKILL\); restarting in 1 s \(fast failure 1 of 5\)$/);
  const restarted = await logLine(/^worker started$/, 2);
  expect(restarted.pid).not.toBe(worker.pid);
  expectWorkerMemorySettings(restarted.pid!);
  await logLine(/^worker running/, 2);
  expect(await isListening(`127.0.0.1:${ports.worker}`)).toBe(true);

  // The API, SIGKILLed: started again, healthy.
  const api = await logLine(/^api started$/);
  process.kill(api.pid!, 'SIGKILL');
  await logLine(/^api exited \(SIGKILL\); restarting in 1 s/);
  await logLine(/^api started$/, 2);
  await healthy();

  // The Temporal dev server, SIGKILLed: started again on its port and data file, with its config.
  expectDevServerConfig();
  const [temporalPid] = readFileSync(temporalPidFile(dataDir), 'utf8').split('\n');
  process.kill(Number(temporalPid), 'SIGKILL');
  await logLine(/^Temporal dev server stopped answering at 127\.0\.0\.1:\d+; starting it again in 1 s$/);
  await logLine(/^Temporal dev server started again$/);
  expect(await isListening(`127.0.0.1:${ports.temporal}`)).toBe(true);
  expectDevServerConfig();
  await healthy();

  // PostgreSQL's postmaster, SIGKILLed: started again on its port and data directory.
  const [postgresPid] = readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  process.kill(Number(postgresPid), 'SIGKILL');
  await logLine(/^PostgreSQL stopped answering at 127\.0\.0\.1:\d+; starting it again in 1 s$/);
  await logLine(/^PostgreSQL started again$/);
  await healthy();

  // Ctrl-C: everything stops, exit 0.
  launcher.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => launcher.once('exit', resolve));
  expect({ code, tail: output.slice(-1_000) }).toEqual({ code: 0, tail: expect.stringContaining('stopped') });
  for (const port of Object.values(ports))
    expect({ port, up: await isListening(`127.0.0.1:${port}`) }).toEqual({ port, up: false });
}, 240_000);
