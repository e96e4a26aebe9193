// The clock an MT5 server writes its bar times in. A fixed offset from UTC suits a server that
// never changes its clocks; most brokers' servers do: GMT+2 in winter and GMT+3 in summer, on New
// York's dates (so that a trading day ends at 17:00 New York, midnight on the server), which is
// New York's wall clock plus 7 hours. Read with one fixed offset, a year of such bars is an hour
// off for half of it, and the trading hours, weekdays and daily loss limit a backtest applies to
// them move with it.
import { MINUTE_MS } from './feed.ts';
import { instantOfWall, isTimeZone } from '../../trading/trading-day.ts';

export type ServerClock =
  | { kind: 'offset'; utcOffsetMinutes: number }
  /** The wall clock of an IANA zone, plus `shiftMinutes` (America/New_York + 420 for NY+7). */
  | { kind: 'zone'; timeZone: string; shiftMinutes: number };

export class ServerClockError extends Error {
  override readonly name = 'ServerClockError';
}

/** Widest shift from a zone's wall clock: the span between UTC−12 and UTC+14. */
const MAX_SHIFT_HOURS = 26;

/**
 * `<zone>` or `<zone>+<hours>` / `<zone>-<hours>` (hours may be `H:MM`): `Europe/Athens`,
 * `America/New_York+7`. A zone whose own name ends in a sign and digits (`Etc/GMT+2`) is that zone.
 */
export function parseServerClock(text: string): ServerClock {
  if (isTimeZone(text)) return { kind: 'zone', timeZone: text, shiftMinutes: 0 };
  const match = /^(.+?)([+-])(\d{1,2})(?::([0-5]\d))?$/.exec(text);
  if (match === null || !isTimeZone(match[1]!))
    throw new ServerClockError(
      `${text}: not a time zone, or one with a shift in hours (e.g. Europe/Athens, America/New_York+7)`,
    );
  const hours = Number(match[3]);
  if (hours > MAX_SHIFT_HOURS) throw new ServerClockError(`${text}: a shift of at most ${MAX_SHIFT_HOURS} hours`);
  const sign = match[2] === '-' ? -1 : 1;
  return { kind: 'zone', timeZone: match[1]!, shiftMinutes: sign * (hours * 60 + Number(match[4] ?? 0)) };
}

export function serverClockText(clock: ServerClock): string {
  if (clock.kind === 'offset')
    return `UTC${clock.utcOffsetMinutes >= 0 ? '+' : '−'}${minutesText(clock.utcOffsetMinutes)}`;
  if (clock.shiftMinutes === 0) return clock.timeZone;
  return `${clock.timeZone}${clock.shiftMinutes > 0 ? '+' : '−'}${minutesText(clock.shiftMinutes)}`;
}

function minutesText(minutes: number): string {
  const whole = Math.abs(minutes);
  return whole % 60 === 0 ? String(whole / 60) : `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** Clocks change on a quarter hour of their wall clock: each quarter is looked up once. */
const QUARTER_MS = 15 * MINUTE_MS;

/**
 * From a server time (its date and time written as UTC epoch ms) to the instant, UTC epoch ms;
 * null for a time the server's clock skipped. In an hour it repeats, the first pass.
 */
export function serverTimeConverter(clock: ServerClock): (serverTime: number) => number | null {
  if (clock.kind === 'offset') {
    const offsetMs = clock.utcOffsetMinutes * MINUTE_MS;
    return (serverTime) => serverTime - offsetMs;
  }
  const shiftMs = clock.shiftMinutes * MINUTE_MS;
  // A year of bars is ~35,000 quarters: the zone's offset is read once for each.
  const quarters = new Map<number, number | null>();
  return (serverTime) => {
    const wall = serverTime - shiftMs;
    const quarter = Math.floor(wall / QUARTER_MS) * QUARTER_MS;
    let start = quarters.get(quarter);
    if (start === undefined) {
      start = instantOfWall(quarter, clock.timeZone);
      quarters.set(quarter, start);
    }
    return start === null ? null : start + (wall - quarter);
  };
}
