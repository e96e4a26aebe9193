// Clients of the run's Temporal dev server (started by global setup).
import { randomUUID } from 'node:crypto';
import { connectTemporal, type TemporalConnections } from '../../infra/startup.ts';

export function connectTestTemporal(): Promise<TemporalConnections> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run integration tests through jest (global setup)');
  return connectTemporal(address, 'default');
}

/** A task queue of its own per test file, so files never pick up each other's tasks. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}
