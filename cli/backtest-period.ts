// The period of `scalper backtest`: `--from`/`--to` as UTC dates or ISO date-times. A plain `--to`
// date is the last day tested (the period ends at the next midnight), so `--from 2025-01-01
// --to 2025-12-31` is the whole year; a date-time `--to` is the exclusive end itself.
import { BacktestOptionError } from './backtest-option-error.ts';

const DAY_MS = 86_400_000;
/** Without --from, this many days before the end are tested. */
export const DEFAULT_PERIOD_DAYS = 30;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?$/;
const HAS_OFFSET = /(Z|[+-]\d{2}:\d{2})$/;

export interface Period {
  /** UTC epoch ms: bars opening in [from, to) are traded. */
  from: number;
  to: number;
  /** `2025-01-01-2025-12-31`: names the default output directory (the last day tested, not the exclusive end). */
  label: string;
}

/** Whether `date` (YYYY-MM-DD) is a day of the calendar: JavaScript reads 2025-02-30 as 2 March. */
function isCalendarDate(date: string): boolean {
  const time = Date.parse(`${date}T00:00:00Z`);
  return Number.isFinite(time) && new Date(time).toISOString().slice(0, 10) === date;
}

function instant(option: '--from' | '--to', text: string): number {
  const refuse = (): never => {
    throw new BacktestOptionError(
      `${option} ${text}: not a date (YYYY-MM-DD, or an ISO date-time; UTC unless it says)`,
    );
  };
  if (DATE.test(text)) {
    if (!isCalendarDate(text)) refuse();
    const midnight = Date.parse(`${text}T00:00:00Z`);
    return option === '--to' ? midnight + DAY_MS : midnight;
  }
  const dateTime = DATE_TIME.exec(text);
  if (dateTime === null || !isCalendarDate(dateTime[1]!)) refuse();
  // Without an offset JavaScript would read local time; the engine's times are UTC.
  const time = Date.parse(HAS_OFFSET.test(text) ? text : `${text}Z`);
  return Number.isFinite(time) ? time : refuse();
}

function labelOf(time: number): string {
  const iso = new Date(time).toISOString();
  return time % DAY_MS === 0 ? iso.slice(0, 10) : iso.slice(0, 16).replace(':', '');
}

/** The period asked for; without `--to` it ends at today's midnight (UTC), without `--from` 30 days before its end. */
export function parsePeriod(fromText: string | undefined, toText: string | undefined, now: number): Period {
  const to = toText === undefined ? Math.floor(now / DAY_MS) * DAY_MS : instant('--to', toText);
  const from = fromText === undefined ? to - DEFAULT_PERIOD_DAYS * DAY_MS : instant('--from', fromText);
  const lastDay = to % DAY_MS === 0 ? to - DAY_MS : to;
  return { from, to, label: `${labelOf(from)}-${labelOf(lastDay)}` };
}
