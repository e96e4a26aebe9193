// Finds the `temporal` CLI (dev server + Web UI), or builds it once from the Go module proxy.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Newer tags carry a `replace` directive and cannot be `go install`ed. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(binary: string, pathEnv = process.env.PATH ?? ''): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (dir && isExecutable(join(dir, binary))) return join(dir, binary);
  }
  return null;
}

/** TEMPORAL_CLI_PATH, then PATH, then the project's cache. */
export function locateTemporalCli(cliPath: string | undefined, cacheDir: string): string | null {
  if (cliPath) {
    if (!isExecutable(cliPath)) throw new Error(`TEMPORAL_CLI_PATH=${cliPath} is not an executable file`);
    return cliPath;
  }
  const cached = join(cacheDir, 'bin', 'temporal');
  return onPath('temporal') ?? (isExecutable(cached) ? cached : null);
}

/**
 * Builds the CLI with `go install` into the cache. Returns null where there is no Go toolchain.
 * If the checksum database is unreachable, it is disabled for this one install only.
 */
export async function buildTemporalCli(cacheDir: string, log: (line: string) => void): Promise<string | null> {
  const go = onPath('go');
  if (!go) return null;
  const binDir = join(cacheDir, 'bin');
  await mkdir(binDir, { recursive: true });
  log(`building the Temporal CLI once with \`go install ${TEMPORAL_CLI_MODULE}\` into ${binDir} (takes minutes)`);
  const env = { ...process.env, GOBIN: binDir, GOFLAGS: '-buildvcs=false' };
  const options = { env, maxBuffer: 64 * 1024 * 1024, timeout: 30 * 60_000 };
  try {
    await run(go, ['install', TEMPORAL_CLI_MODULE], options);
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    if (!/sum\.golang\.org|checksum database|verifying module/.test(stderr)) {
      throw new Error(`go install ${TEMPORAL_CLI_MODULE} failed: ${stderr.trim().split('\n').slice(-3).join(' | ')}`, {
        cause: error,
      });
    }
    log('the Go checksum database is unreachable; installing once with GOSUMDB=off');
    await run(go, ['install', TEMPORAL_CLI_MODULE], { ...options, env: { ...env, GOSUMDB: 'off' } });
  }
  return join(binDir, 'temporal');
}

/** Locates the CLI or builds it; null means only the SDK's own download (internet) is left. */
export async function ensureTemporalCli(
  cliPath: string | undefined,
  cacheDir: string,
  log: (line: string) => void,
): Promise<string | null> {
  return locateTemporalCli(cliPath, cacheDir) ?? (await buildTemporalCli(cacheDir, log));
}
