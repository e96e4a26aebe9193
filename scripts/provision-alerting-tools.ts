// Makes sure promtool, Alertmanager and amtool are at hand, each built once into the cache when
// missing (promtool with `go install`, Alertmanager from its module's source: infra/alertmanager.ts):
// `npm test` checks the Prometheus configuration and runs the alert rules' tests with promtool, and
// runs infra/alertmanager's configuration in a real Alertmanager.
import { ALERTMANAGER_VERSION, ensureAlertmanagerTools } from '../infra/alertmanager.ts';
import { loadConfig } from '../infra/config.ts';
import { ensurePromtool } from '../infra/promtool.ts';
import { exitOnStartupError } from '../infra/startup-error.ts';

try {
  const { cacheDir } = loadConfig();
  const log = (line: string) => console.log(line);
  let started = Date.now();
  const promtool = await ensurePromtool(cacheDir, log);
  if (!promtool) throw new Error('no promtool on PATH or in the cache, and no Go toolchain to build it with');
  console.log(`promtool: ${promtool} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  started = Date.now();
  const alertmanager = await ensureAlertmanagerTools(cacheDir, log);
  if (!alertmanager) {
    throw new Error(
      `no alertmanager-${ALERTMANAGER_VERSION} or amtool-${ALERTMANAGER_VERSION} in the cache, and no Go toolchain to build them with`,
    );
  }
  const took = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`alertmanager: ${alertmanager.alertmanager}, amtool: ${alertmanager.amtool} (${took} s)`);
} catch (error) {
  exitOnStartupError(error);
}
