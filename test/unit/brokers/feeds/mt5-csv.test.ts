import { decodeMt5File, Mt5CsvError, parseMt5Csv } from '../../../../brokers/feeds/mt5-csv.ts';
import { parseServerClock } from '../../../../brokers/feeds/server-clock.ts';

const HEADER = '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>';
const GMT2 = { serverClock: { kind: 'offset' as const, utcOffsetMinutes: 120 } };

function problemsOf(text: string): Array<{ line: number; message: string }> {
  try {
    parseMt5Csv(text, GMT2);
  } catch (error) {
    if (error instanceof Mt5CsvError) return error.problems;
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

describe('MT5 bar CSV', () => {
  it('reads a tab-separated export with header, HH:MM:SS, converting broker time to UTC', () => {
    const text = [
      HEADER,
      '2026.03.10\t12:00:00\t2915.10\t2916.00\t2914.50\t2915.80\t143\t0\t22',
      '2026.03.10\t12:01:00\t2915.80\t2917.25\t2915.60\t2917.00\t201\t0\t25',
      '',
    ].join('\r\n');
    expect(parseMt5Csv(text, GMT2)).toEqual([
      {
        openTime: Date.UTC(2026, 2, 10, 10, 0),
        open: 2915.1,
        high: 2916,
        low: 2914.5,
        close: 2915.8,
        tickVolume: 143,
        spread: 22,
      },
      {
        openTime: Date.UTC(2026, 2, 10, 10, 1),
        open: 2915.8,
        high: 2917.25,
        low: 2915.6,
        close: 2917,
        tickVolume: 201,
        spread: 25,
      },
    ]);
  });

  it('reads a comma-separated file without header, HH:MM, and a negative offset', () => {
    const bars = parseMt5Csv('2026.01.01,00:30,1.1,1.2,1.0,1.15,5,0,12\n', {
      serverClock: { kind: 'offset' as const, utcOffsetMinutes: -300 },
    });
    expect(bars[0]?.openTime).toBe(Date.UTC(2026, 0, 1, 5, 30));
  });

  it('decodes the UTF-16LE export MT5 writes', () => {
    const text = `\uFEFF${HEADER}\n2026.03.10\t12:00\t1\t2\t0.5\t1.5\t1\t0\t3\n`;
    const utf16 = new Uint8Array([...Buffer.from(text, 'utf16le')]);
    expect(parseMt5Csv(decodeMt5File(utf16), GMT2)).toHaveLength(1);
  });

  it('rejects the whole file, listing every bad line and why', () => {
    const text = [
      HEADER,
      '2026.03.10\t12:00\t2915.10\t2916.00\t2914.50\t2915.80\t143\t0\t22', // 2 ok
      '2026.03.10\t12:01\t2915.80\t2915.00\t2915.60\t2917.00\t201\t0\t25', // 3 high too low
      '2026.03.10\t12:02\tabc\t2917.25\t2915.60\t2917.00\t201\t0\t25', // 4 not a number
      '2026.03.10\t12:03\t2915.80\t2917.25\t2916.00\t2917.00\t201\t0\t25', // 5 low too high
      '2026.03.10\t12:00\t2915.80\t2917.25\t2915.60\t2917.00\t201\t0\t25', // 6 not ascending
      '2026.02.30\t12:05\t2915.80\t2917.25\t2915.60\t2917.00\t201\t0\t25', // 7 no such date
      '2026.03.10\t12:06\t2915.80\t2917.25', // 8 too few fields
      '2026.03.10\t12:07:30\t2915.80\t2917.25\t2915.60\t2917.00\t201\t0\t25', // 9 not a whole minute
      '2026.03.10\t12:08\t2915.80\t2917.25\t2915.60\t2917.00\t20.5\t0\t25', // 10 tick volume
      '2026.03.10\t12:09\t2915.80\t2917.25\t2915.60\t2917.00\t201\t0\t25', // 11 ok
    ].join('\n');
    const problems = problemsOf(text);
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(problems[0]?.message).toContain('HIGH 2915 is below max(OPEN, CLOSE) 2917');
    expect(problems[1]?.message).toContain('OPEN "abc" is not a price');
    expect(problems[2]?.message).toContain('LOW 2916 is above min(OPEN, CLOSE) 2915.8');
    expect(problems[3]?.message).toContain("not after line 2's");
    expect(problems[4]?.message).toContain('bad date/time "2026.02.30 12:05"');
    expect(problems[5]?.message).toContain('expected 9 fields, found 4');
    expect(problems[6]?.message).toContain('not a whole minute');
    expect(problems[7]?.message).toContain('TICKVOL "20.5" is not a whole number');
    expect(() => parseMt5Csv(text, GMT2)).toThrow(/line 3: .*line 10:/);
  });

  it('rejects an empty file', () => {
    expect(problemsOf(`${HEADER}\n`)).toEqual([{ line: 1, message: 'no bars in the file' }]);
  });

  it("reads times on a server clock that follows New York's summer time, and rejects one it skipped", () => {
    const ny7 = { serverClock: parseServerClock('America/New_York+7') };
    const rows = [
      '2025.03.07\t23:59\t1.1\t1.2\t1.0\t1.15\t5\t0\t12',
      '2025.03.10\t00:00\t1.1\t1.2\t1.0\t1.15\t5\t0\t12',
    ];
    // Friday's last minute in winter (GMT+2), Monday's first in summer (GMT+3): the weekend between.
    expect(parseMt5Csv(rows.join('\n'), ny7).map((bar) => new Date(bar.openTime).toISOString())).toEqual([
      '2025-03-07T21:59:00.000Z',
      '2025-03-09T21:00:00.000Z',
    ]);
    const skipped = '2025.03.09\t09:30\t1.1\t1.2\t1.0\t1.15\t5\t0\t12';
    expect(() => parseMt5Csv(skipped, ny7)).toThrow(
      'line 1: 2025.03.09 09:30 never showed on the server clock America/New_York+7 (it skipped that hour)',
    );
  });
});
