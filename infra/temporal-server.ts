// The Temporal server the engine talks to: an existing one (TEMPORAL_ADDRESS) or a local dev server.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { isListening } from './ports.ts';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.ts';
import { ensureTemporalCli } from './temporal-cli.ts';

export interface DevServerOptions {
  cliPath: string | undefined;
  cacheDir: string;
  namespace: string;
  /** SQLite file that keeps histories and schedules across restarts; in-memory when absent. */
  dbFilename?: string;
  /** Random free port when absent. */
  port?: number;
  /** Web UI port; no UI when absent. */
  uiPort?: number;
  log: (line: string) => void;
}

export interface RunningTemporal {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningTemporal> {
  const path = await ensureTemporalCli(options.cliPath, options.cacheDir, options.log);
  if (!path) options.log('no temporal CLI and no Go toolchain: using the SDK download (needs internet)');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: path ? { type: 'existing-path', path } : { type: 'cached-download' },
      namespace: options.namespace,
      ip: '127.0.0.1',
      ...(options.port ? { port: options.port } : {}),
      ...(options.dbFilename ? { dbFilename: options.dbFilename } : {}),
      ...(options.uiPort ? { ui: true, uiPort: options.uiPort } : { ui: false }),
      searchAttributes: Object.values(SEARCH_ATTRIBUTES),
      log: { format: 'json', level: 'error' },
    },
  });
  return {
    address: env.address,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : null,
    // A dev server already gone (Ctrl-C reaches it too) makes teardown wait for nothing.
    stop: async () => {
      if (await isListening(env.address)) await env.teardown();
    },
  };
}
