// The production worker entry point (worker/main.ts) as its own process, on the run's PostgreSQL and
// Temporal: it starts, serves the engine's metrics on WORKER_METRICS_PORT and the Temporal SDK's own
// worker metrics on TEMPORAL_SDK_METRICS_PORT (what docker-compose's Prometheus scrapes) — the bots
// whose kill-switch tripped among them, read from the database — and drains and exits 0 on SIGTERM.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { markKillSwitchTripped } from '../../../bots/bot-rows.ts';
import { newBotRow } from '../../support/bot-row.ts';
import { freePort } from '../../../infra/ports.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { uniqueTaskQueue } from '../../support/temporal.ts';

const WORKER_MAIN = fileURLToPath(new URL('../../../worker/main.ts', import.meta.url));

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(() => db?.drop());

/** Polls `url` until it answers 200 with a body matching `pattern`, or the deadline passes. */
async function scrapeUntil(url: string, pattern: RegExp, deadline: number): Promise<string> {
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      last = await response.text();
      if (response.ok && pattern.test(last)) return last;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} never showed ${pattern}; last answer: ${last.slice(0, 500)}`);
}

it('serves engine and SDK metrics on their ports and exits 0 on SIGTERM', async () => {
  const taskQueue = uniqueTaskQueue('worker-process');
  const [enginePort, sdkPort] = [await freePort(), await freePort()];
  // A paused bot (its schedule made paused: no cycle runs) whose automatic kill-switch tripped.
  const em = db.orm.em.fork();
  const tripped = newBotRow(em, { name: 'tripped-for-metrics', magic: 880_001, status: 'paused' });
  await em.flush();
  await markKillSwitchTripped(db.orm.em.fork(), tripped.id, 'unrealised loss 5.00% of the balance');
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKER_METRICS_HOST: '127.0.0.1',
      WORKER_METRICS_PORT: String(enginePort),
      TEMPORAL_SDK_METRICS_PORT: String(sdkPort),
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 60_000;
    const engine = await scrapeUntil(`http://127.0.0.1:${enginePort}/metrics`, /cycle_duration_seconds/, deadline);
    expect(engine).toMatch(/^# TYPE \w*cycle_duration_seconds histogram$/m);
    // Read from the bots' rows at each scrape; counters exposed from 0 for each status and task.
    expect(engine).toContain(`kill_switch_tripped{bot="${tripped.id}"} 1`);
    expect(engine).toContain('orders_created_total{status="unknown",purpose="open"} 0');
    expect(engine).toContain('task_failures_total{task="fetchCandles"} 0');
    expect(engine).toContain('task_failures_total{task="cycle"} 0');
    // The SDK reports its pollers and slots once the worker polls its task queue.
    const sdk = await scrapeUntil(
      `http://127.0.0.1:${sdkPort}/metrics`,
      new RegExp(`^temporal_\\w+\\{[^}]*task_queue="${taskQueue}"`, 'm'),
      deadline,
    );
    expect(sdk).toMatch(/^# TYPE temporal_\w+ (counter|gauge|histogram)$/m);
    // The line was written before the worker polled, but the pipe's data may reach this process
    // after the scrape's answer (both are I/O of the same event-loop turn under load).
    while (!output.includes('worker running') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(output).toContain('worker running');

    child.kill('SIGTERM');
    expect({ code: await exited, output: output.slice(-2_000) }).toEqual({ code: 0, output: expect.any(String) });
    expect(output).toContain('worker stopped');
  } finally {
    child.kill('SIGKILL');
  }
}, 120_000);
