import { pino, type Logger } from 'pino';
import { prettyDestination } from './log-format.ts';

export type { Logger };

/** `auto`: readable lines on a terminal, JSON lines otherwise (files, pipes, log collectors). */
export type LogFormat = 'auto' | 'json' | 'pretty';

export function createLogger(level: string, name: string, format: LogFormat = 'auto'): Logger {
  const options = { name, level, base: { service: name } };
  const pretty = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  return pretty ? pino(options, prettyDestination(process.stdout)) : pino(options);
}
