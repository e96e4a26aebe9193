// The day the daily loss limit counts in: from a wall-clock time in a time zone to the same time
// the next day there — 00:00 UTC by default, a prop firm's midnight in Prague, or the forex day
// that starts at 17:00 in New York (the day of most MT5 servers, on GMT+2/+3). Daylight saving
// time moves it with the zone: such a day is shorter or longer by the change (an hour mostly, 30
// minutes on Lord Howe Island). A reset time the clock skips
// (a spring-forward gap) falls as far after the gap as it was into it, and one the clock passes
// twice (a fall-back overlap) is its first pass, as JavaScript's Temporal resolves them.

export const MINUTE_MS = 60_000;
/** A day of 24 hours (one on which the clock does not change). */
export const DAY_MS = 24 * 60 * MINUTE_MS;
/** `HH:MM`, 00:00 to 23:59. */
export const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;

export interface TradingDaySpec {
  /** Wall-clock time the day starts at, `HH:MM` (24-hour). */
  resetTime: string;
  /** IANA time zone name of that wall clock: `UTC`, `Europe/Prague`, `America/New_York`. */
  timeZone: string;
}

export function isTimeZone(name: string): boolean {
  // The default zone, asked about by every bot and backtest: without this, the first ask loads
  // ICU's time zone data (~30 ms by profile, inside a cold backtest's timed run) to learn the obvious.
  if (name === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A zone's wall clock at an instant, as the UTC epoch ms that shows the same date and time. */
function wallClock(timeZone: string): (time: number) => number {
  if (timeZone === 'UTC') return (time) => time;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return (time) => {
    const part: Record<string, number> = {};
    for (const { type, value } of format.formatToParts(time)) part[type] = Number(value);
    const wall = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!, part.second!);
    // Years before 100 aside, which Date.UTC maps to 19xx: not a trading date.
    return wall + (time - Math.floor(time / 1000) * 1000);
  };
}

/**
 * The trading days of one reset time in one zone. Each start is found once: the cycles and the
 * backtester ask again and again within the same day, and get its bounds from a cache.
 */
export class TradingDays {
  readonly #wallAt: (time: number) => number;
  readonly #resetMs: number;
  #start = Number.NaN;
  #end = Number.NaN;
  /** The wall clock at the cached day's start (its reset time on its date), as UTC epoch ms. */
  #dayWall = Number.NaN;

  constructor(spec: TradingDaySpec) {
    const reset = TIME_OF_DAY.exec(spec.resetTime);
    if (reset === null)
      throw new Error(`reset time must be HH:MM (00:00–23:59), not ${JSON.stringify(spec.resetTime)}`);
    if (!isTimeZone(spec.timeZone)) throw new Error(`unknown time zone ${JSON.stringify(spec.timeZone)}`);
    this.#wallAt = wallClock(spec.timeZone);
    this.#resetMs = (Number(reset[1]) * 60 + Number(reset[2])) * MINUTE_MS;
  }

  /** Where the day holding `time` (UTC epoch ms) started. */
  startOf(time: number): number {
    if (!(time >= this.#start && time < this.#end)) this.#find(time);
    return this.#start;
  }

  /** Where the day holding `time` ends: where the next one starts. */
  endOf(time: number): number {
    if (!(time >= this.#start && time < this.#end)) this.#find(time);
    return this.#end;
  }

  /** The day of the week (0 = Sunday … 6 = Saturday) of the date the day holding `time` starts on. */
  weekdayOf(time: number): number {
    if (!(time >= this.#start && time < this.#end)) this.#find(time);
    // 1 January 1970 was a Thursday.
    return (((Math.floor(this.#dayWall / DAY_MS) + 4) % 7) + 7) % 7;
  }

  #find(time: number): void {
    const wall = this.#wallAt(time);
    let dayWall = Math.floor((wall - this.#resetMs) / DAY_MS) * DAY_MS + this.#resetMs;
    let start = this.#instantOf(dayWall);
    while (start > time) {
      dayWall -= DAY_MS;
      start = this.#instantOf(dayWall);
    }
    let end = this.#instantOf(dayWall + DAY_MS);
    while (end <= time) {
      dayWall += DAY_MS;
      start = end;
      end = this.#instantOf(dayWall + DAY_MS);
    }
    this.#start = start;
    this.#end = end;
    this.#dayWall = dayWall;
  }

  /** The first instant whose wall clock reads `wall`; in a gap, the gap's length after it. */
  #instantOf(wall: number): number {
    return firstInstantShowing(this.#wallAt, wall) ?? wall - offsetAt(this.#wallAt, wall - DAY_MS);
  }
}

/** The zone's offset from UTC at `time`, in ms. */
function offsetAt(wallAt: (time: number) => number, time: number): number {
  return wallAt(time) - time;
}

/** The first instant whose wall clock reads `wall` (as UTC epoch ms); null where the clocks skip it. */
function firstInstantShowing(wallAt: (time: number) => number, wall: number): number | null {
  // The zone's offsets a day before, at and a day after `wall` read as UTC: those it can have.
  const offsets = [offsetAt(wallAt, wall - DAY_MS), offsetAt(wallAt, wall), offsetAt(wallAt, wall + DAY_MS)];
  const fits = offsets.map((offset) => wall - offset).filter((time) => wallAt(time) === wall);
  return fits.length > 0 ? Math.min(...fits) : null;
}

/** Each zone's midnights and wall clock, for wallMinuteOf: one of each per zone a process reads. */
const zoneClocks = new Map<string, { midnights: TradingDays; wallAt: (time: number) => number }>();

function zoneClockOf(timeZone: string) {
  let clock = zoneClocks.get(timeZone);
  if (clock === undefined) {
    clock = { midnights: new TradingDays({ resetTime: '00:00', timeZone }), wallAt: wallClock(timeZone) };
    zoneClocks.set(timeZone, clock);
  }
  return clock;
}

/** The day of the week (0 = Sunday … 6 = Saturday) on the wall clock of `timeZone` at `time`. */
export function wallWeekdayOf(time: number, timeZone: string): number {
  return zoneClockOf(timeZone).midnights.weekdayOf(time);
}

/**
 * Minutes since 00:00 on the wall clock of `timeZone` at `time`: the time since the day's midnight
 * on a day of 24 hours, the clock itself read on a day it changes on (a checked zone name).
 */
export function wallMinuteOf(time: number, timeZone: string): number {
  const clock = zoneClockOf(timeZone);
  const start = clock.midnights.startOf(time);
  if (clock.midnights.endOf(time) - start === DAY_MS) return Math.floor((time - start) / MINUTE_MS);
  const wall = clock.wallAt(time);
  return Math.floor((wall - Math.floor(wall / DAY_MS) * DAY_MS) / MINUTE_MS);
}

/**
 * The instant at which the wall clock of `timeZone` (a checked zone name) reads `wall` (a date and
 * time written as UTC epoch ms): the first of the two in an hour the clocks repeat, null in one
 * they skip.
 */
export function instantOfWall(wall: number, timeZone: string): number | null {
  return firstInstantShowing(zoneClockOf(timeZone).wallAt, wall);
}

/**
 * `HH:MM` as minutes since 00:00 (a checked time of day), read digit by digit: every decision
 * reads its trading hours, and slicing and parsing allocated and cost more than the check itself.
 */
export function minuteOfDay(text: string): number {
  const digit = (at: number) => text.charCodeAt(at) - 48;
  return (digit(0) * 10 + digit(1)) * 60 + digit(3) * 10 + digit(4);
}
