// A real worker process (as worker/main.ts builds one) for the exactly-once crash tests: run it with
// `spawn(process.execPath, [this file])`. Its clock is fixed by the test, and with CRASH_POINT set
// its broker kills this process (or stalls) at that point of the first order send.
//
// Environment: DATABASE_URL, TEMPORAL_ADDRESS, CRASH_TASK_QUEUE (the queue it works),
// CRASH_SCHEDULE_QUEUE (the bots' schedules' unpolled queue), CRASH_CLOCK_MS, CRASH_FEED_SEED,
// optional CRASH_POINT and CRASH_STALL_MS.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { BotSchedules } from '../../bots/schedule.ts';
import { PositionCloser } from '../../bots/position-closer.ts';
import { createLogger } from '../../infra/logger.ts';
import { createEngineMetrics } from '../../infra/metrics.ts';
import { connectDatabase, connectTemporal } from '../../infra/startup.ts';
import { connectWorkerTemporal } from '../../infra/worker-connection.ts';
import { engineBrokerDirectory } from '../../bots/broker-directory.ts';
import type { BrokerPort } from '../../brokers/port.ts';
import { createTestWorker } from './test-worker.ts';
import { CRASH_POINTS, crashingBroker, type CrashPoint } from './crash-broker.ts';
import { CRASH_LINE_PREFIX, READY_LINE, RESUMED_LINE_PREFIX } from './crash-worker-process.ts';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`crash-worker: ${name} must be set`);
  return value;
}

function crashPoint(): CrashPoint | null {
  const value = process.env.CRASH_POINT;
  if (!value) return null;
  const point = CRASH_POINTS.find((p) => p === value);
  if (!point) throw new Error(`crash-worker: unknown CRASH_POINT ${value}`);
  return point;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const clock = Number(env('CRASH_CLOCK_MS'));
  const point = crashPoint();
  const orm = await connectDatabase(env('DATABASE_URL'));
  const temporal = await connectTemporal(env('TEMPORAL_ADDRESS'), 'default');
  const connection = await connectWorkerTemporal(env('TEMPORAL_ADDRESS'), 'default');
  const directory = engineBrokerDirectory(orm, Number(env('CRASH_FEED_SEED')), () => clock);
  const hooks = {
    announce: (at: CrashPoint) => process.stdout.write(`${CRASH_LINE_PREFIX}${at}\n`),
    resumed: (at: CrashPoint) => process.stdout.write(`${RESUMED_LINE_PREFIX}${at}\n`),
    stallMs: Number(process.env.CRASH_STALL_MS ?? 20_000),
  };
  const wrapped = new Map<string, BrokerPort>();
  const brokerFor = (account: string) => {
    const broker =
      wrapped.get(account) ??
      (point ? crashingBroker(directory.brokerFor(account), point, hooks) : directory.brokerFor(account));
    wrapped.set(account, broker);
    return broker;
  };
  const worker = await createTestWorker(connection, env('CRASH_TASK_QUEUE'), {
    orm,
    brokerFor,
    schedules: new BotSchedules(temporal.client, env('CRASH_SCHEDULE_QUEUE')),
    positions: new PositionCloser(temporal.client, env('CRASH_TASK_QUEUE')),
    logger: createLogger('warn', 'crash-worker'),
    metrics: createEngineMetrics(),
    now: () => clock,
  });
  process.stdout.write(`${READY_LINE}\n`);
  await worker.run();
  await connection.close();
  await temporal.close();
  await orm.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`crash-worker: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
