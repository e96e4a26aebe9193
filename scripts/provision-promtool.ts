// Makes sure promtool is at hand (PATH or the cache — built once with `go install` when missing):
// `npm test` checks the Prometheus configuration and runs the alert rules' tests with it.
import { loadConfig } from '../infra/config.ts';
import { ensurePromtool } from '../infra/promtool.ts';
import { exitOnStartupError } from '../infra/startup-error.ts';

try {
  const started = Date.now();
  const path = await ensurePromtool(loadConfig().cacheDir, (line) => console.log(line));
  if (!path) throw new Error('no promtool on PATH or in the cache, and no Go toolchain to build it with');
  console.log(`promtool: ${path} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (error) {
  exitOnStartupError(error);
}
