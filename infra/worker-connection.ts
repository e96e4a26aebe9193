// The worker's native (Rust core) connection to Temporal. Only workers need one: the API and the
// CLI talk to Temporal through infra/startup.ts `connectTemporal`, a client-side connection.
import { NativeConnection } from '@temporalio/worker';
import { temporalStartupError } from './startup.ts';

export async function connectWorkerTemporal(address: string, namespace: string): Promise<NativeConnection> {
  let connection: NativeConnection | undefined;
  try {
    connection = await NativeConnection.connect({ address });
    await connection.workflowService.describeNamespace({ namespace });
    return connection;
  } catch (error) {
    await connection?.close();
    throw temporalStartupError(address, namespace, error);
  }
}
