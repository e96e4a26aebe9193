// A startup failure in one line: what the engine's processes and scripts print before exiting.
import { ConfigError } from './config.ts';

/** A setting or a server the engine cannot start with; printed as one line naming the setting. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** A bad setting or an unreachable server is one line naming the setting; anything else keeps its stack. */
export function reportStartupError(error: unknown): void {
  if (error instanceof StartupError || error instanceof ConfigError)
    process.stderr.write(`scalper-engine: ${error.message}\n`);
  else
    process.stderr.write(`scalper-engine: unexpected error\n${error instanceof Error ? error.stack : String(error)}\n`);
}

export function exitOnStartupError(error: unknown): never {
  reportStartupError(error);
  process.exit(1);
}
