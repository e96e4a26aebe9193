// Terminal log lines: pino's JSON records, read as a person reads them.
import { PassThrough } from 'node:stream';
import { pino } from 'pino';
import { formatLogLine, prettyDestination } from '../../../infra/log-format.ts';

const at = Date.UTC(2026, 10, 24, 12, 3, 7);

describe('formatLogLine', () => {
  it.each([
    [
      'the trade line as a plain line, with its fields after it',
      { level: 30, time: at, service: 'worker', msg: '[ScalperTrade] bot=1 orders=1', botId: 1, outcome: 'completed' },
      '12:03:07 INFO  worker  [ScalperTrade] bot=1 orders=1 botId=1 outcome=completed',
    ],
    [
      'quotes values with spaces, and shows objects as JSON',
      { level: 40, time: at, service: 'api', msg: 'slow', reason: 'no answer', checks: { db: 'ok' } },
      '12:03:07 WARN  api     slow reason="no answer" checks={"db":"ok"}',
    ],
    [
      'puts an error stack on its own lines',
      { level: 50, time: at, service: 'start', msg: 'failed', err: { message: 'x', stack: 'Error: x\n    at y' } },
      '12:03:07 ERROR start   failed \nError: x\n    at y',
    ],
  ])('%s', (_case, record, line) => {
    expect(formatLogLine(JSON.stringify(record))).toBe(line);
  });

  it('passes anything that is not JSON through', () => {
    expect(formatLogLine('plain text')).toBe('plain text');
  });
});

describe('prettyDestination', () => {
  it('turns each record pino writes into one readable line', async () => {
    const out = new PassThrough();
    const written: string[] = [];
    out.on('data', (chunk: Buffer) => written.push(chunk.toString()));
    const logger = pino({ base: { service: 'worker' }, timestamp: () => `,"time":${at}` }, prettyDestination(out));
    logger.info({ botId: 7 }, 'first');
    logger.warn('second');
    await new Promise((resolve) => setImmediate(resolve));
    expect(written.join('')).toBe('12:03:07 INFO  worker  first botId=7\n12:03:07 WARN  worker  second\n');
  });

  it('joins a record split across writes, and waits for its end', () => {
    const out = new PassThrough();
    const destination = prettyDestination(out);
    const record = JSON.stringify({ level: 30, time: at, service: 'api', msg: 'joined' });
    destination.write(record.slice(0, 10));
    expect(out.read()).toBeNull();
    destination.write(`${record.slice(10)}\n`);
    expect(String(out.read())).toBe('12:03:07 INFO  api     joined\n');
  });
});
