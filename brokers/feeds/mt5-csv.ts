// Parses bars exported from MetaTrader 5 ("Export bars"):
//   <DATE> <TIME> <OPEN> <HIGH> <LOW> <CLOSE> <TICKVOL> <VOL> <SPREAD>
// tab or comma separated, header optional, date YYYY.MM.DD, time HH:MM or HH:MM:SS in broker
// server time (converted to UTC by the server's clock: a fixed offset, or a zone's wall clock). A
// file with any bad row is rejected whole, with every bad line listed, so nothing half-valid is ever
// imported.
import type { Bar } from '../../trading/market.ts';
import { MINUTE_MS } from './feed.ts';
import { type ServerClock, serverClockText, serverTimeConverter } from './server-clock.ts';

export interface Mt5CsvOptions {
  /** The clock the server writes its times in (server-clock.ts). */
  serverClock: ServerClock;
}

export interface CsvProblem {
  line: number;
  message: string;
}

export class Mt5CsvError extends Error {
  override readonly name = 'Mt5CsvError';
  readonly problems: CsvProblem[];

  constructor(problems: CsvProblem[]) {
    super(
      `MT5 bar file rejected, ${problems.length} bad line(s): ${problems.map((p) => `line ${p.line}: ${p.message}`).join('; ')}`,
    );
    this.problems = problems;
  }
}

const COLUMNS = ['DATE', 'TIME', 'OPEN', 'HIGH', 'LOW', 'CLOSE', 'TICKVOL', 'VOL', 'SPREAD'] as const;
const DATE = /^(\d{4})\.(\d{2})\.(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DECIMAL = /^\d+(\.\d+)?$/;
const INTEGER = /^\d+$/;

/** MT5 writes its exports as UTF-16LE with a byte-order mark; other tools write UTF-8. */
export function decodeMt5File(content: Uint8Array): string {
  const utf16 = content[0] === 0xff && content[1] === 0xfe;
  return new TextDecoder(utf16 ? 'utf-16le' : 'utf-8').decode(content);
}

/** Broker wall-clock time of a row, read as if it were UTC; null when not a real date and time. */
function brokerTime(date: string, time: string): number | null {
  const d = DATE.exec(date);
  const t = TIME.exec(time);
  if (d === null || t === null) return null;
  const [year, month, day] = [Number(d[1]), Number(d[2]), Number(d[3])];
  const [hour, minute, second] = [Number(t[1]), Number(t[2]), Number(t[3] ?? 0)];
  const value = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(value);
  const real =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month - 1 &&
    check.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60;
  return real ? value : null;
}

function isHeader(fields: string[]): boolean {
  return fields[0]?.startsWith('<') === true;
}

function checkRow(
  fields: string[],
  toUtc: (serverTime: number) => number | null,
  clock: ServerClock,
): { bar: Bar } | { errors: string[] } {
  if (fields.length !== COLUMNS.length)
    return { errors: [`expected ${COLUMNS.length} fields, found ${fields.length}`] };
  const [date, time, ...rest] = fields as [string, string, ...string[]];
  const errors: string[] = [];
  const local = brokerTime(date, time);
  const openTime = local === null ? null : toUtc(local);
  if (local === null) errors.push(`bad date/time "${date} ${time}" (want YYYY.MM.DD HH:MM[:SS])`);
  else if (local % MINUTE_MS !== 0) errors.push(`time "${time}" is not a whole minute`);
  else if (openTime === null)
    errors.push(`${date} ${time} never showed on the server clock ${serverClockText(clock)} (it skipped that hour)`);
  const numbers = rest.map((text, i) => {
    const column = COLUMNS[i + 2] as string;
    const pattern = i < 4 ? DECIMAL : INTEGER;
    if (!pattern.test(text)) {
      errors.push(`${column} "${text}" is not a ${i < 4 ? 'price' : 'whole number'}`);
      return Number.NaN;
    }
    return Number(text);
  });
  const [open, high, low, close, tickVolume, , spread] = numbers as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (![open, high, low, close].some(Number.isNaN)) {
    if (high < Math.max(open, close)) errors.push(`HIGH ${high} is below max(OPEN, CLOSE) ${Math.max(open, close)}`);
    if (low > Math.min(open, close)) errors.push(`LOW ${low} is above min(OPEN, CLOSE) ${Math.min(open, close)}`);
    if (low <= 0) errors.push(`LOW ${low} is not a positive price`);
  }
  if (errors.length > 0 || openTime === null) return { errors };
  return { bar: { openTime, open, high, low, close, tickVolume, spread } };
}

/** The file's bars in UTC, oldest first; throws Mt5CsvError listing every bad line. */
export function parseMt5Csv(text: string, options: Mt5CsvOptions): Bar[] {
  const toUtc = serverTimeConverter(options.serverClock);
  const bars: Bar[] = [];
  const problems: CsvProblem[] = [];
  let previous: { line: number; openTime: number } | null = null;
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = index + 1;
      if (raw.trim() === '') return;
      const fields = raw.split(raw.includes('\t') ? '\t' : ',').map((field) => field.trim());
      if (index === 0 && isHeader(fields)) return;
      const checked = checkRow(fields, toUtc, options.serverClock);
      if ('errors' in checked) {
        problems.push({ line, message: checked.errors.join(', ') });
        return;
      }
      if (previous !== null && checked.bar.openTime <= previous.openTime) {
        problems.push({
          line,
          message: `time is not after line ${previous.line}'s (times must be ascending and unique)`,
        });
        return;
      }
      previous = { line, openTime: checked.bar.openTime };
      bars.push(checked.bar);
    });
  if (problems.length === 0 && bars.length === 0) problems.push({ line: 1, message: 'no bars in the file' });
  if (problems.length > 0) throw new Mt5CsvError(problems);
  return bars;
}
