// Connections to the run's Temporal dev server (started by global setup).
import { randomUUID } from 'node:crypto';
import type { NativeConnection } from '@temporalio/worker';
import { connectTemporal, type TemporalConnections } from '../../infra/startup.ts';
import { connectWorkerTemporal } from '../../infra/worker-connection.ts';

function testAddress(): string {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run integration tests through jest (global setup)');
  return address;
}

export function connectTestTemporal(): Promise<TemporalConnections> {
  return connectTemporal(testAddress(), 'default');
}

/** For a test's worker; whoever opens it closes it once the worker has stopped. */
export function connectTestWorkerTemporal(): Promise<NativeConnection> {
  return connectWorkerTemporal(testAddress(), 'default');
}

/** A task queue of its own per test file, so files never pick up each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
