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
  /** Port of its Prometheus endpoint; none when absent. */
  metricsPort?: number;
  /** `PRAGMA=VALUE` statements for its SQLite file (only with dbFilename); FILE_PRAGMAS by default. */
  sqlitePragmas?: string[];
  /** `KEY=VALUE` dynamic config; DEV_SERVER_DYNAMIC_CONFIG by default. */
  dynamicConfig?: string[];
  log: (line: string) => void;
}

export interface RunningTemporal {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
}

/**
 * A file-backed dev server in SQLite's default mode fsyncs every transaction; with fifty bots
 * firing together each step then waited ~140 ms on the disk (npm run bench:fleet: start lag p99
 * 4.9 s → 1.8 s with these). WAL without a sync per commit loses at most the last transactions on
 * a power cut, never on a crash of the server itself: a dev server's trade-off; production runs
 * Temporal on PostgreSQL (docker-compose.yml).
 */
export const FILE_PRAGMAS = ['journal_mode=wal', 'synchronous=normal'];

/**
 * The server's dynamic config, for the dev server and for Temporal in docker-compose.yml alike:
 * - eager dispatch: an activity a workflow task schedules goes straight back to the worker that
 *   completed the task instead of through the server's matching: a round trip less per step;
 * - no "stuck reader" detection on the timer queue. It calls a reader stuck when three loads in a
 *   row (100 timers each) end on timers due in the same second, which at 500 bots is only their
 *   density: ~300 timers (step, task and run timeouts) fall due every second. Each false alarm moved
 *   that second to a second reader that ran minutes late; the timers piled up in the database, every
 *   load scanned the pile, and the soak's cycles timed out from minute ~20 (README "Scaling").
 */
export const ENGINE_DYNAMIC_CONFIG = [
  'system.enableActivityEagerExecution=true',
  'history.queueReaderStuckCriticalAttempts=0',
];

/**
 * The dev server re-reads the search attributes from its database on every request that uses them
 * (so that new ones show at once); the engine registers its own at start and adds none, and at
 * 500 bots those reads were a quarter of the one SQLite connection's queries.
 */
export const DEV_SERVER_DYNAMIC_CONFIG = [
  ...ENGINE_DYNAMIC_CONFIG,
  'system.forceSearchAttributesCacheRefreshOnRead=false',
];

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
      extraArgs: [
        ...(options.dbFilename ? (options.sqlitePragmas ?? FILE_PRAGMAS).flatMap((p) => ['--sqlite-pragma', p]) : []),
        ...(options.dynamicConfig ?? DEV_SERVER_DYNAMIC_CONFIG).flatMap((value) => ['--dynamic-config-value', value]),
        ...(options.metricsPort ? ['--metrics-port', String(options.metricsPort)] : []),
      ],
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
