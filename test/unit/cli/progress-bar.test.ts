import { createProgressBar, progressLine, type ProgressStream } from '../../../cli/progress-bar.ts';

function fakeStream(isTTY: boolean, columns = 100) {
  const writes: string[] = [];
  const stream: ProgressStream = {
    isTTY,
    columns,
    write: (chunk: string | Uint8Array) => writes.push(String(chunk)) > 0,
  };
  return { stream, writes };
}

function fakeClock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('progressLine', () => {
  it('shows percent, done/total, rate and ETA from the elapsed time', () => {
    // 5,000 of 20,000 bars in 2 s: 2,500 bars/s, 15,000 to go → 6 s.
    const line = progressLine(5_000, 20_000, 2_000, 120, { label: 'XAUUSDm', unit: 'bars' });
    expect(line).toMatch(/^XAUUSDm \[#+\.+\] 25\.0% {2}5,000\/20,000 bars {2}2,500 bars\/s {2}ETA 0:06$/);
    expect(line).toHaveLength(119);
  });

  it('fills the bar in proportion and writes hours in the ETA', () => {
    // 1 point in 36 s, 200 to go: 2 h 0 min.
    const line = progressLine(1, 201, 36_000, 80, { unit: 'points' });
    expect(line).toContain('ETA 2:00:00');
    expect(progressLine(10, 10, 1_000, 60, { unit: 'bars' })).toMatch(/^\[#+\] 100\.0%/);
  });

  it('shows no rate and no ETA before anything is done', () => {
    expect(progressLine(0, 100, 0, 80, { unit: 'bars' })).toMatch(/0\.0% {2}0\/100 bars {2}– bars\/s {2}ETA –$/);
  });

  it('drops the bar when the terminal is too narrow, and never fills the last column', () => {
    const line = progressLine(50, 100, 1_000, 40, { unit: 'bars' });
    expect(line).not.toContain('[');
    expect(line.length).toBeLessThanOrEqual(39);
  });
});

describe('createProgressBar', () => {
  it('writes nothing at all when the stream is not a terminal', () => {
    const { stream, writes } = fakeStream(false);
    const bar = createProgressBar(stream);
    bar.update(1, 10);
    bar.update(10, 10);
    bar.finish();
    expect(writes).toEqual([]);
  });

  it('redraws in place, at most once per minRedrawMs, and always the final count', () => {
    const { stream, writes } = fakeStream(true);
    const clock = fakeClock();
    const bar = createProgressBar(stream, { now: clock.now, minRedrawMs: 100 });
    bar.update(1, 1_000);
    clock.advance(50);
    bar.update(2, 1_000); // throttled
    clock.advance(50);
    bar.update(3, 1_000);
    clock.advance(10);
    bar.update(1_000, 1_000); // the end is never throttled
    expect(writes).toHaveLength(3);
    expect(writes.every((write) => write.startsWith('\r') && write.endsWith('\x1b[K'))).toBe(true);
    expect(writes[1]).toContain('3/1,000 bars  30 bars/s');
    expect(writes[2]).toContain('100.0%');
  });

  it('takes the rate from the injected clock since creation', () => {
    const { stream, writes } = fakeStream(true, 200);
    const clock = fakeClock();
    const bar = createProgressBar(stream, { now: clock.now, unit: 'points' });
    clock.advance(4_000);
    bar.update(10, 50);
    // 10 points in 4 s: 2.5/s, shown rounded; 40 to go at 2.5/s → 16 s.
    expect(writes[0]).toContain('10/50 points  3 points/s  ETA 0:16');
  });

  it('clears its line on finish and then stays quiet', () => {
    const { stream, writes } = fakeStream(true);
    const bar = createProgressBar(stream, { now: fakeClock().now });
    bar.update(5, 10);
    bar.finish();
    bar.update(6, 10);
    bar.finish();
    expect(writes).toHaveLength(2);
    expect(writes[1]).toBe('\r\x1b[K');
  });

  it('clears nothing when it never drew', () => {
    const { stream, writes } = fakeStream(true);
    createProgressBar(stream).finish();
    expect(writes).toEqual([]);
  });
});
