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

/** POSIX zones whose sign is the opposite of what a broker's "GMT+2" means (Etc/GMT+2 is UTC−2). */
const POSIX_GMT_ZONE = /^Etc\/GMT[+-]\d/i;

/**
 * `<zone>` or `<zone>+<hours>` / `<zone>-<hours>` (hours may be `H:MM`): `Europe/Athens`,
 * `America/New_York+7`. Messages name what is wrong; the caller names the value.
 */
export function parseServerClock(text: string): ServerClock {
  const match = /^(.+?)(?:([+-])(\d{1,2})(?::([0-5]\d))?)?$/.exec(text);
  const zone = match?.[1] ?? '';
  if (POSIX_GMT_ZONE.test(text))
    throw new ServerClockError(
      "Etc/GMT±N zones count the POSIX way, the opposite of a broker's GMT+2 (Etc/GMT+2 is UTC−2): write GMT+2 or UTC+2, or give --utc-offset 120",
    );
  if (match === null || !isTimeZone(zone))
    throw new ServerClockError(
      'not a time zone, or one with a shift in hours (e.g. Europe/Athens, America/New_York+7)',
    );
  const hours = Number(match[3] ?? 0);
  if (hours > MAX_SHIFT_HOURS) throw new ServerClockError(`a shift of at most ${MAX_SHIFT_HOURS} hours`);
  const sign = match[2] === '-' ? -1 : 1;
  return { kind: 'zone', timeZone: zone, shiftMinutes: sign * (hours * 60 + Number(match[4] ?? 0)) };
}

/** As `--server-clock` / `--utc-offset` take it back: `America/New_York+7`, `UTC-5:30`. */
export function serverClockText(clock: ServerClock): string {
  if (clock.kind === 'offset') return `UTC${signed(clock.utcOffsetMinutes)}`;
  return clock.shiftMinutes === 0 ? clock.timeZone : `${clock.timeZone}${signed(clock.shiftMinutes)}`;
}

function signed(minutes: number): string {
  return `${minutes >= 0 ? '+' : '-'}${minutesText(minutes)}`;
}

function minutesText(minutes: number): string {
  const whole = Math.abs(minutes);
  return whole % 60 === 0 ? String(whole / 60) : `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/**
 * Clocks change on a quarter hour of their wall clock, nearly always: each quarter is looked up
 * once, and one that a change falls inside (St John's changed at 00:01 until 2011) minute by minute.
 */
const QUARTER_MS = 15 * MINUTE_MS;
const LAST_MINUTE_OF_QUARTER_MS = QUARTER_MS - MINUTE_MS;

interface Quarter {
  /** The instant of its first minute; null where the clocks skipped it. */
  start: number | null;
  /** Whether every minute of it follows from its first: no change of the clocks inside it. */
  regular: boolean;
}

function quarterOf(wallStart: number, timeZone: string): Quarter {
  const start = instantOfWall(wallStart, timeZone);
  const last = instantOfWall(wallStart + LAST_MINUTE_OF_QUARTER_MS, timeZone);
  return { start, regular: start !== null && last === start + LAST_MINUTE_OF_QUARTER_MS };
}

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
  // A year of bars is ~35,000 quarters: the zone's offset is read twice for each.
  const quarters = new Map<number, Quarter>();
  return (serverTime) => {
    const wall = serverTime - shiftMs;
    const wallStart = Math.floor(wall / QUARTER_MS) * QUARTER_MS;
    let quarter = quarters.get(wallStart);
    if (quarter === undefined) {
      quarter = quarterOf(wallStart, clock.timeZone);
      quarters.set(wallStart, quarter);
    }
    if (!quarter.regular) return instantOfWall(wall, clock.timeZone);
    return quarter.start! + (wall - wallStart);
  };
}
