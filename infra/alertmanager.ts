// Alertmanager and its amtool, which `npm test` runs on infra/alertmanager (the configuration
// docker-compose.yml mounts), at the version of the image compose runs. Built once from the Go
// module proxy into the project's cache, under names that carry the version (an older build, or
// another Alertmanager on PATH, is never taken for it). Not with `go install`: since 0.32 the
// module embeds a web page that the release build makes with npm and the module lacks. So the
// module's source is copied and built with a placeholder page; the tests use the API alone, and
// compose's image serves the real page.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isExecutable, onPath, runGo, withBuildVcsOff } from './go-tool.ts';

export const ALERTMANAGER_VERSION = 'v0.35.0';
const MODULE = 'github.com/prometheus/alertmanager';
const BINARIES = ['alertmanager', 'amtool'] as const;
const run = promisify(execFile);

export interface AlertmanagerTools {
  alertmanager: string;
  amtool: string;
}

function cachedPaths(cacheDir: string): AlertmanagerTools {
  const path = (binary: string) => join(cacheDir, 'bin', `${binary}-${ALERTMANAGER_VERSION}`);
  return { alertmanager: path('alertmanager'), amtool: path('amtool') };
}

/** Both, from the cache or built into it; null without a Go toolchain to build them with. */
export async function ensureAlertmanagerTools(
  cacheDir: string,
  log: (line: string) => void,
): Promise<AlertmanagerTools | null> {
  const tools = cachedPaths(cacheDir);
  if (BINARIES.every((binary) => isExecutable(tools[binary]))) return tools;
  const go = onPath('go');
  if (!go) return null;
  log(`building alertmanager and amtool ${ALERTMANAGER_VERSION} once into ${join(cacheDir, 'bin')} (takes minutes)`);
  const env = { ...process.env, GOFLAGS: withBuildVcsOff(process.env.GOFLAGS), GO111MODULE: 'on' };
  const downloaded = JSON.parse(
    await runGo(go, ['mod', 'download', '-json', `${MODULE}@${ALERTMANAGER_VERSION}`], { env }, log),
  ) as { Dir?: string };
  if (!downloaded.Dir) throw new Error(`go mod download ${MODULE}@${ALERTMANAGER_VERSION} gave no source folder`);
  const source = await mkdtemp(join(tmpdir(), 'scalper-alertmanager-src-'));
  try {
    // The module cache is read-only, and so is a copy of it: made writable for the placeholder page.
    await cp(downloaded.Dir, source, { recursive: true });
    await run('chmod', ['-R', 'u+w', source]);
    const page = join(source, 'ui', 'app', 'dist');
    await mkdir(page, { recursive: true });
    await writeFile(
      join(page, 'index.html'),
      '<!doctype html><title>Alertmanager (built for tests: API only)</title>\n',
    );
    await mkdir(join(cacheDir, 'bin'), { recursive: true });
    // Each built beside its name, then renamed: a build cut short, or another one at once,
    // never leaves a partial binary under the name the cache check trusts.
    for (const binary of BINARIES) {
      const partial = `${tools[binary]}.${process.pid}.partial`;
      await runGo(go, ['build', '-o', partial, `./cmd/${binary}`], { env, cwd: source }, log);
      await rename(partial, tools[binary]);
    }
  } finally {
    // Where it cannot, rm says so.
    await run('chmod', ['-R', 'u+w', source]).catch(() => undefined);
    await rm(source, { recursive: true, force: true });
  }
  return tools;
}
