// A broker server's clock: a fixed offset, or a zone's wall clock shifted by hours (NY+7, the
// GMT+2/GMT+3 most MT5 servers keep), read back to UTC through summer time's changes.
import fc from 'fast-check';
import {
  parseServerClock,
  ServerClockError,
  serverClockText,
  serverTimeConverter,
} from '../../../../brokers/feeds/server-clock.ts';

const HOUR = 3_600_000;
/** A server's date and time, written as UTC epoch ms (as the CSV parser reads a row). */
const written = (iso: string) => Date.parse(`${iso}Z`);

/** New York's wall clock at `time`, written as UTC epoch ms, from Intl. */
function newYorkWall(time: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(time);
  const part = Object.fromEntries(parts.map(({ type, value }) => [type, Number(value)]));
  return Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!);
}

describe('parseServerClock', () => {
  it.each([
    ['Europe/Athens', { kind: 'zone', timeZone: 'Europe/Athens', shiftMinutes: 0 }, 'Europe/Athens'],
    ['America/New_York+7', { kind: 'zone', timeZone: 'America/New_York', shiftMinutes: 420 }, 'America/New_York+7'],
    ['Asia/Kolkata-5:30', { kind: 'zone', timeZone: 'Asia/Kolkata', shiftMinutes: -330 }, 'Asia/Kolkata-5:30'],
    [
      'America/Port-au-Prince',
      { kind: 'zone', timeZone: 'America/Port-au-Prince', shiftMinutes: 0 },
      'America/Port-au-Prince',
    ],
    ['UTC+2', { kind: 'zone', timeZone: 'UTC', shiftMinutes: 120 }, 'UTC+2'],
    ['GMT+2', { kind: 'zone', timeZone: 'GMT', shiftMinutes: 120 }, 'GMT+2'],
  ])('reads %s', (text, clock, shown) => {
    expect(parseServerClock(text)).toEqual(clock);
    expect(serverClockText(parseServerClock(text))).toBe(shown);
  });

  it.each([
    ['Mars/Olympus', 'not a time zone'],
    ['+7', 'not a time zone'],
    ['America/New_York+7:75', 'not a time zone'],
    ['America/New_York+27', 'a shift of at most 26 hours'],
    ['Etc/GMT+2', "Etc/GMT±N zones count the POSIX way, the opposite of a broker's GMT+2"],
    ['Etc/GMT-3', "Etc/GMT±N zones count the POSIX way, the opposite of a broker's GMT+2"],
  ])('refuses %s, saying why', (text, message) => {
    expect(() => parseServerClock(text)).toThrow(ServerClockError);
    expect(() => parseServerClock(text)).toThrow(message);
  });

  it('writes a fixed offset as UTC±hours', () => {
    expect(serverClockText({ kind: 'offset', utcOffsetMinutes: 120 })).toBe('UTC+2');
    expect(serverClockText({ kind: 'offset', utcOffsetMinutes: -330 })).toBe('UTC-5:30');
  });
});

describe('serverTimeConverter', () => {
  const ny7 = serverTimeConverter(parseServerClock('America/New_York+7'));
  const athens = serverTimeConverter(parseServerClock('Europe/Athens'));

  it.each([
    ['winter: GMT+2', ny7, '2025-01-15T10:00', '2025-01-15T08:00:00.000Z'],
    ['summer: GMT+3', ny7, '2025-07-15T10:00', '2025-07-15T07:00:00.000Z'],
    ["between New York's change and Europe's: GMT+3 on NY+7", ny7, '2025-03-20T10:00', '2025-03-20T07:00:00.000Z'],
    ["between New York's change and Europe's: GMT+2 in Athens", athens, '2025-03-20T10:00', '2025-03-20T08:00:00.000Z'],
    ['the first Monday of the summer, at the server midnight', ny7, '2025-03-10T00:00', '2025-03-09T21:00:00.000Z'],
    ['the hour New York repeats: its first pass', ny7, '2025-11-02T08:30', '2025-11-02T05:30:00.000Z'],
  ])('%s', (_name, convert, serverTime, utc) => {
    expect(new Date(convert(written(serverTime))!).toISOString()).toBe(utc);
  });

  it("has no instant for a time the server's clock skipped", () => {
    // 02:30 in New York on 9 March 2025 never happened: 09:30 on an NY+7 server.
    expect(ny7(written('2025-03-09T09:30'))).toBeNull();
    expect(ny7(written('2025-03-09T10:30'))).not.toBeNull();
  });

  it("reads a zone whose clocks changed a minute past midnight (St John's, 2006) minute by minute", () => {
    const stJohns = serverTimeConverter(parseServerClock('America/St_Johns'));
    // 2 April 2006: 00:01 NST (UTC−3:30) became 01:01 NDT (UTC−2:30).
    expect(new Date(stJohns(written('2006-04-02T00:00'))!).toISOString()).toBe('2006-04-02T03:30:00.000Z');
    expect(stJohns(written('2006-04-02T00:01'))).toBeNull();
    expect(stJohns(written('2006-04-02T01:00'))).toBeNull();
    expect(new Date(stJohns(written('2006-04-02T01:01'))!).toISOString()).toBe('2006-04-02T03:31:00.000Z');
    // 29 October 2006: 00:01 NDT became 23:01 NST the day before; 23:01–00:00 came twice.
    expect(new Date(stJohns(written('2006-10-29T00:00'))!).toISOString()).toBe('2006-10-29T02:30:00.000Z');
    expect(new Date(stJohns(written('2006-10-29T00:14'))!).toISOString()).toBe('2006-10-29T03:44:00.000Z');
  });

  it('reads a fixed offset as that offset, every day of the year', () => {
    const gmt2 = serverTimeConverter({ kind: 'offset', utcOffsetMinutes: 120 });
    expect(gmt2(written('2025-07-15T10:00'))).toBe(Date.parse('2025-07-15T08:00:00Z'));
  });

  it("gives the first instant New York's clock plus 7 hours shows, for any minute of 1990–2040", () => {
    const convert = serverTimeConverter(parseServerClock('America/New_York+7'));
    fc.assert(
      fc.property(fc.integer({ min: 631_152_000, max: 2_208_988_800 }), (seconds) => {
        const time = Math.floor((seconds * 1000) / 60_000) * 60_000;
        const serverTime = newYorkWall(time) + 7 * HOUR;
        const utc = convert(serverTime);
        expect(utc).not.toBeNull();
        expect(newYorkWall(utc!) + 7 * HOUR).toBe(serverTime);
        // The first pass: either this instant, or the same wall time an hour earlier.
        expect([time, time - HOUR]).toContain(utc);
      }),
      { numRuns: 2000 },
    );
  });
});
