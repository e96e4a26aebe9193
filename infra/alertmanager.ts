// Alertmanager and its amtool, which `npm test` runs on infra/alertmanager (the configuration
// docker-compose.yml mounts), built once from the Go module proxy like promtool. v0.31.1, the image
// compose runs: the first release whose Telegram receiver reads the chat's id from a file, and the
// last whose module `go install` builds (later ones embed a web UI that npm builds, absent from
// the module).
import { installGoTool, locateGoTool } from './go-tool.ts';

export const ALERTMANAGER_VERSION = 'v0.31.1';
const MODULE = 'github.com/prometheus/alertmanager';

export interface AlertmanagerTools {
  alertmanager: string;
  amtool: string;
}

/** Both on PATH or in the project's cache, each built where missing; null without a Go toolchain. */
export async function ensureAlertmanagerTools(
  cacheDir: string,
  log: (line: string) => void,
): Promise<AlertmanagerTools | null> {
  const tools: Partial<AlertmanagerTools> = {};
  for (const binary of ['alertmanager', 'amtool'] as const) {
    const path =
      locateGoTool(binary, cacheDir) ??
      (await installGoTool(`${MODULE}/cmd/${binary}@${ALERTMANAGER_VERSION}`, binary, cacheDir, log));
    if (path === null) return null;
    tools[binary] = path;
  }
  return tools as AlertmanagerTools;
}
