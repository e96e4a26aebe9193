// `npm run temporal -- <args>`: the Temporal CLI the project uses (it lives in the project's cache,
// not on PATH), pointed at the engine's server: TEMPORAL_ADDRESS, else the one `npm start` runs.
// e.g. npm run temporal -- schedule toggle --schedule-id scalper-bot-1 --pause --reason "news"
import { spawn } from 'node:child_process';
import { loadConfig } from '../infra/config.ts';
import { ensureTemporalCli } from '../infra/temporal-cli.ts';
import { exitOnStartupError, StartupError } from '../infra/startup-error.ts';

try {
  const config = loadConfig();
  const cli = await ensureTemporalCli(config.TEMPORAL_CLI_PATH, config.cacheDir, (line) => console.error(line));
  if (!cli) throw new StartupError('no temporal CLI: set TEMPORAL_CLI_PATH, or install Go so it can be built once');
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`,
    TEMPORAL_NAMESPACE: config.TEMPORAL_NAMESPACE,
  };
  const child = spawn(cli, process.argv.slice(2), { env, stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} catch (error) {
  exitOnStartupError(error);
}
