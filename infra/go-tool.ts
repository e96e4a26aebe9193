// Command-line tools the project builds once from the Go module proxy into its cache (the
// Temporal CLI; promtool for the alert rules' tests), and where to find them.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `binary` in a directory of PATH, or null. */
export function onPath(binary: string, pathEnv = process.env.PATH ?? ''): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (dir && isExecutable(join(dir, binary))) return join(dir, binary);
  }
  return null;
}

/** `binary` on PATH, else in the project's cache (`<cacheDir>/bin`), else null. */
export function locateGoTool(binary: string, cacheDir: string): string | null {
  const cached = join(cacheDir, 'bin', binary);
  return onPath(binary) ?? (isExecutable(cached) ? cached : null);
}

/** The user's GOFLAGS, and no VCS stamping: a copied or cached source has no repository to read. */
export function withBuildVcsOff(goflags: string | undefined): string {
  return [goflags, '-buildvcs=false'].filter(Boolean).join(' ');
}

/**
 * Runs the go command; if the checksum database is unreachable, runs it again with it disabled
 * for this one command. Fails naming the command and the last lines go printed.
 */
export async function runGo(
  go: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
  log: (line: string) => void,
): Promise<string> {
  const settings = { ...options, maxBuffer: 64 * 1024 * 1024, timeout: 30 * 60_000 };
  try {
    return (await run(go, args, settings)).stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '');
    if (!/sum\.golang\.org|checksum database|verifying module/.test(stderr)) {
      throw new Error(`go ${args.join(' ')} failed: ${stderr.trim().split('\n').slice(-3).join(' | ')}`, {
        cause: error,
      });
    }
    log(`the Go checksum database is unreachable; running \`go ${args[0]}\` once with GOSUMDB=off`);
    return (await run(go, args, { ...settings, env: { ...options.env, GOSUMDB: 'off' } })).stdout;
  }
}

/**
 * Builds `module` (`path@version`) with `go install` into `<cacheDir>/bin` and returns the path of
 * `binary` there; null where there is no Go toolchain.
 */
export async function installGoTool(
  module: string,
  binary: string,
  cacheDir: string,
  log: (line: string) => void,
): Promise<string | null> {
  const go = onPath('go');
  if (!go) return null;
  const binDir = join(cacheDir, 'bin');
  await mkdir(binDir, { recursive: true });
  log(`building ${binary} once with \`go install ${module}\` into ${binDir} (takes minutes)`);
  await runGo(
    go,
    ['install', module],
    { env: { ...process.env, GOBIN: binDir, GOFLAGS: withBuildVcsOff(process.env.GOFLAGS) } },
    log,
  );
  return join(binDir, binary);
}
