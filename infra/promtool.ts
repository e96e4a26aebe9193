// Prometheus's promtool, which checks the alert rules and runs their tests (`npm test`), built once
// from the Go module proxy like the Temporal CLI. It is Prometheus 3.16's (Go module v0.316.0):
// the module of 3.7.3, the image docker-compose.yml runs, cannot be `go install`ed (its go.mod has
// exclude directives). The rules use only what 3.7 has: rate, increase, absent, histogram_quantile.
import { installGoTool, locateGoTool } from './go-tool.ts';

export const PROMTOOL_MODULE = 'github.com/prometheus/prometheus/cmd/promtool@v0.316.0';

/** promtool on PATH, else in the project's cache. */
export function locatePromtool(cacheDir: string): string | null {
  return locateGoTool('promtool', cacheDir);
}

/** Locates promtool or builds it; null where there is no Go toolchain to build it with. */
export async function ensurePromtool(cacheDir: string, log: (line: string) => void): Promise<string | null> {
  return locatePromtool(cacheDir) ?? (await installGoTool(PROMTOOL_MODULE, 'promtool', cacheDir, log));
}
