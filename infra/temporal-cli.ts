// Finds the `temporal` CLI (dev server + Web UI), or builds it once from the Go module proxy.
import { installGoTool, isExecutable, locateGoTool } from './go-tool.ts';

/** Newer tags carry a `replace` directive and cannot be `go install`ed. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

/** TEMPORAL_CLI_PATH, then PATH, then the project's cache. */
export function locateTemporalCli(cliPath: string | undefined, cacheDir: string): string | null {
  if (cliPath) {
    if (!isExecutable(cliPath)) throw new Error(`TEMPORAL_CLI_PATH=${cliPath} is not an executable file`);
    return cliPath;
  }
  return locateGoTool('temporal', cacheDir);
}

/** Locates the CLI or builds it; null means only the SDK's own download (internet) is left. */
export async function ensureTemporalCli(
  cliPath: string | undefined,
  cacheDir: string,
  log: (line: string) => void,
): Promise<string | null> {
  return locateTemporalCli(cliPath, cacheDir) ?? (await installGoTool(TEMPORAL_CLI_MODULE, 'temporal', cacheDir, log));
}
