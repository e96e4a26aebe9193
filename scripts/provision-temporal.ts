// Makes sure a `temporal` CLI is at hand (TEMPORAL_CLI_PATH, PATH, or the cache — built once with
// `go install` when missing), so the first test run or `npm start` does not wait for it.
import { loadConfig } from '../infra/config.ts';
import { ensureTemporalCli } from '../infra/temporal-cli.ts';
import { exitOnStartupError } from '../infra/startup-error.ts';

try {
  const config = loadConfig();
  if (config.TEMPORAL_ADDRESS) {
    console.log(`TEMPORAL_ADDRESS=${config.TEMPORAL_ADDRESS} is set: no local Temporal CLI needed`);
  } else {
    const started = Date.now();
    const path = await ensureTemporalCli(config.TEMPORAL_CLI_PATH, config.cacheDir, (line) => console.log(line));
    const took = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      path
        ? `temporal CLI: ${path} (${took} s)`
        : 'no temporal CLI and no Go toolchain: tests will use the SDK download (needs internet)',
    );
  }
} catch (error) {
  exitOnStartupError(error);
}
