// Human-readable log lines for a terminal: `12:03:07 INFO  worker  [ScalperTrade] bot=1 … key=value`.
// Logs that go to a file or a collector stay JSON (one object per line), as pino writes them.
import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every line has, shown in their own columns or not at all. */
const FRAME = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'service']);

function valueText(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** One pino JSON record as a line; anything that is not a record passes through unchanged. */
export function formatLogLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 19) : '--:--:--';
  const level = (LEVELS[record.level as number] ?? String(record.level)).padEnd(5);
  const service = String(record.service ?? record.name ?? '').padEnd(7);
  const fields = Object.entries(record)
    .filter(([key]) => !FRAME.has(key))
    .map(([key, value]) =>
      key === 'err' && typeof value === 'object' && value !== null && 'stack' in value
        ? `\n${String((value as { stack: unknown }).stack)}`
        : `${key}=${valueText(value)}`,
    );
  return [time, level, service, String(record.msg ?? ''), ...fields].join(' ').trimEnd();
}

/** A destination for pino that writes each record as a readable line to `out`. */
export function prettyDestination(out: NodeJS.WritableStream): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line) out.write(`${formatLogLine(line)}\n`);
      done();
    },
  });
}
