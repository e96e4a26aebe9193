// The daily loss limit's day: from a wall-clock time in a time zone to the same time the next day,
// through daylight saving time's changes, gaps and overlaps.
import fc from 'fast-check';
import {
  isTimeZone,
  minuteOfDay,
  TIME_OF_DAY,
  TradingDays,
  wallMinuteOf,
  wallWeekdayOf,
} from '../../../trading/trading-day.ts';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const days = (resetTime: string, timeZone: string) => new TradingDays({ resetTime, timeZone });

/** The zone's offset from UTC at `time`, as Intl writes it (`GMT+01:00`). */
function offset(timeZone: string, time: number): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(time);
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
}

/** The wall clock of `timeZone` at `time`, `YYYY-MM-DD HH:MM`. */
function wall(timeZone: string, time: number): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }).format(time);
}

describe('TradingDays.startOf', () => {
  it.each([
    ['UTC midnight', '00:00', 'UTC', '2026-03-08T12:00:00Z', '2026-03-08T00:00:00Z'],
    ['UTC midnight, at it', '00:00', 'UTC', '2026-03-08T00:00:00Z', '2026-03-08T00:00:00Z'],
    ['UTC midnight, a millisecond before', '00:00', 'UTC', '2026-03-07T23:59:59.999Z', '2026-03-07T00:00:00Z'],
    ['Prague midnight in winter (UTC+1)', '00:00', 'Europe/Prague', '2026-01-15T22:30:00Z', '2026-01-14T23:00:00Z'],
    ['Prague midnight in winter, after it', '00:00', 'Europe/Prague', '2026-01-15T23:30:00Z', '2026-01-15T23:00:00Z'],
    ['Prague midnight in summer (UTC+2)', '00:00', 'Europe/Prague', '2026-07-15T22:00:00Z', '2026-07-15T22:00:00Z'],
    [
      'forex day, New York 17:00 in winter',
      '17:00',
      'America/New_York',
      '2026-01-15T21:59:00Z',
      '2026-01-14T22:00:00Z',
    ],
    [
      'forex day, New York 17:00 in summer',
      '17:00',
      'America/New_York',
      '2026-07-15T21:00:00Z',
      '2026-07-15T21:00:00Z',
    ],
    ['a fixed offset (UTC+2, POSIX sign)', '00:00', 'Etc/GMT-2', '2026-07-15T21:59:00Z', '2026-07-14T22:00:00Z'],
    ['the day New York springs forward', '17:00', 'America/New_York', '2026-03-08T21:30:00Z', '2026-03-08T21:00:00Z'],
    ['the day before it, 23 hours long', '17:00', 'America/New_York', '2026-03-08T20:59:00Z', '2026-03-07T22:00:00Z'],
    [
      'a reset time in the gap: as far after it',
      '02:30',
      'America/New_York',
      '2026-03-08T07:40:00Z',
      '2026-03-08T07:30:00Z',
    ],
    ['before the gap-shifted start', '02:30', 'America/New_York', '2026-03-08T07:10:00Z', '2026-03-07T07:30:00Z'],
    [
      'a reset time in the overlap: its first pass',
      '01:30',
      'America/New_York',
      '2026-11-01T06:00:00Z',
      '2026-11-01T05:30:00Z',
    ],
    ['a quarter-hour zone (UTC+5:45)', '00:00', 'Asia/Kathmandu', '2026-05-01T18:14:00Z', '2026-04-30T18:15:00Z'],
  ])('%s: %s %s at %s starts at %s', (_, resetTime, timeZone, time, start) => {
    expect(new Date(days(resetTime, timeZone).startOf(at(time))).toISOString()).toBe(new Date(at(start)).toISOString());
  });

  it('gives a day of 23 and one of 25 hours where the zone changes its clocks', () => {
    const prague = days('00:00', 'Europe/Prague');
    const lengthOf = (dayOf: string) => {
      const start = prague.startOf(at(dayOf));
      return (prague.startOf(start + 26 * HOUR) - start) / HOUR;
    };
    expect(lengthOf('2026-03-29T12:00:00Z')).toBe(23);
    expect(lengthOf('2026-10-25T12:00:00Z')).toBe(25);
    expect(lengthOf('2026-06-01T12:00:00Z')).toBe(24);
  });

  const zones = [
    'UTC',
    'Europe/Prague',
    'America/New_York',
    'Australia/Sydney',
    'Asia/Kathmandu',
    'Australia/Lord_Howe',
  ];
  const resetTimes = fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const times = fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2032-01-01T00:00:00Z') });

  it('puts every instant in exactly one day of 22 to 26 hours, starting at the reset time where the clock shows it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), resetTimes, times, (timeZone, resetTime, time) => {
        const tradingDays = days(resetTime, timeZone);
        const start = tradingDays.startOf(time);
        const next = tradingDays.startOf(start + 26 * HOUR);
        expect(start).toBeLessThanOrEqual(time);
        expect(next).toBeGreaterThan(time);
        expect(next - start).toBeGreaterThanOrEqual(22 * HOUR);
        expect(next - start).toBeLessThanOrEqual(26 * HOUR);
        // A fresh instance, asked at the day's bounds, agrees (no cache hides a wrong answer).
        expect(days(resetTime, timeZone).startOf(start)).toBe(start);
        expect(days(resetTime, timeZone).startOf(start - 1)).toBeLessThan(start);
        expect(days(resetTime, timeZone).startOf(next - 1)).toBe(start);
        // Away from a clock change the day starts when the wall clock reads the reset time.
        if (offset(timeZone, start - 27 * HOUR) === offset(timeZone, start + 27 * HOUR)) {
          expect(wall(timeZone, start).slice(11)).toBe(resetTime);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('wallMinuteOf', () => {
  const zones = [
    'UTC',
    'Europe/London',
    'America/New_York',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'America/Santiago',
  ];

  it("reads the zone's wall clock, on days its clocks change too", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2032-01-01T00:00:00Z') }),
        (timeZone, time) => {
          const [hour = '', minute = ''] = wall(timeZone, time).slice(11).split(':');
          expect(wallMinuteOf(time, timeZone)).toBe(Number(hour) * 60 + Number(minute));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['London, the minute before it springs forward', '2026-03-29T00:59:00Z', 'Europe/London', 59],
    ['London, the minute after', '2026-03-29T01:00:00Z', 'Europe/London', 120],
    ['London, the second pass of 01:30', '2026-10-25T01:30:00Z', 'Europe/London', 90],
    ['Santiago, whose midnight the clock skips', '2026-09-06T04:00:00Z', 'America/Santiago', 60],
  ])('%s', (_name, time, timeZone, minute) => {
    expect(wallMinuteOf(at(time), timeZone)).toBe(minute);
  });
});

describe('minuteOfDay', () => {
  it('reads every time of day the settings accept as its minutes since 00:00', () => {
    for (let hour = 0; hour < 24; hour++) {
      for (let minute = 0; minute < 60; minute++) {
        const text = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
        expect(TIME_OF_DAY.test(text)).toBe(true);
        expect(minuteOfDay(text)).toBe(hour * 60 + minute);
      }
    }
  });
});

describe('wallWeekdayOf', () => {
  const zones = [
    'UTC',
    'Europe/London',
    'America/New_York',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
    'America/Santiago',
  ];
  const weekday = (timeZone: string, time: number) =>
    ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(
      new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(time),
    );

  it("reads the day of the week on the zone's wall clock, as Intl does", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: at('1969-12-01T00:00:00Z'), max: at('2032-01-01T00:00:00Z') }),
        (timeZone, time) => {
          expect(wallWeekdayOf(time, timeZone)).toBe(weekday(timeZone, time));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['Friday 23:59 UTC is Saturday in Kiritimati (UTC+14)', '2026-01-09T23:59:00Z', 'Pacific/Kiritimati', 6],
    ['Monday 03:00 UTC is Sunday in New York', '2026-01-12T03:00:00Z', 'America/New_York', 0],
    ["Santiago's skipped midnight: the day still starts", '2026-09-06T04:00:00Z', 'America/Santiago', 0],
  ])('%s', (_name, time, timeZone, day) => {
    expect(wallWeekdayOf(at(time), timeZone)).toBe(day);
  });
});

describe('the settings of a trading day', () => {
  it.each([
    ['00:00', true],
    ['23:59', true],
    ['17:00', true],
    ['24:00', false],
    ['7:00', false],
    ['17:60', false],
    ['17:00:00', false],
    ['', false],
  ])('time of day %j is valid: %s', (text, valid) => {
    expect(TIME_OF_DAY.test(text)).toBe(valid);
  });

  it.each([
    ['UTC', true],
    ['Europe/Prague', true],
    ['America/New_York', true],
    ['Etc/GMT-2', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
  ])('time zone %j is valid: %s', (name, valid) => {
    expect(isTimeZone(name)).toBe(valid);
  });

  it('refuses a day it cannot count, naming what is wrong', () => {
    expect(() => days('25:00', 'UTC')).toThrow('reset time must be HH:MM (00:00–23:59), not "25:00"');
    expect(() => days('00:00', 'Mars/Olympus_Mons')).toThrow('unknown time zone "Mars/Olympus_Mons"');
  });
});
