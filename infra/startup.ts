// Connecting to the servers the engine needs; a failure becomes one line naming the setting.
// Temporal's client is loaded by the first connectTemporal, not with this module: the CLI's
// database-only commands connect to PostgreSQL through here without loading it.
import type { Client, Connection } from '@temporalio/client';
import { openOrm, type Orm } from '../db/orm.ts';
import { ConfigError, redactUrl } from './config.ts';
import { StartupError } from './startup-error.ts';

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return reason(error.errors[0]);
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? message;
  return firstLine.replace(/^(\w*Error|Error): /, '');
}

export async function connectDatabase(url: string, setting = 'DATABASE_URL'): Promise<Orm> {
  try {
    return await openOrm(url);
  } catch (error) {
    throw new StartupError(`cannot use PostgreSQL at ${setting}=${redactUrl(url)}: ${reason(error)}`);
  }
}

/** Client-side only: the worker's native connection comes from infra/worker-connection.ts. */
export interface TemporalConnections {
  client: Client;
  close(): Promise<void>;
}

export function temporalStartupError(address: string, namespace: string, error: unknown): StartupError {
  return new StartupError(
    `cannot use Temporal at TEMPORAL_ADDRESS=${address} (namespace ${namespace}): ${reason(error)}`,
  );
}

export async function connectTemporal(address: string, namespace: string): Promise<TemporalConnections> {
  const temporalClient = await import('@temporalio/client');
  let connection: Connection | undefined;
  try {
    connection = await temporalClient.Connection.connect({ address, connectTimeout: '5 seconds' });
    const client = new temporalClient.Client({ connection, namespace });
    await client.workflowService.describeNamespace({ namespace });
    return { client, close: () => client.connection.close() };
  } catch (error) {
    // A connection to a server without the namespace would otherwise stay open.
    await connection?.close();
    throw temporalStartupError(address, namespace, error);
  }
}

export function required(value: string | undefined, setting: string): string {
  if (!value) throw new ConfigError(`${setting} must be set`);
  return value;
}
