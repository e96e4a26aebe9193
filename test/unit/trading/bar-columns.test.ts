import { BarColumnsBuilder, barColumnsOf } from '../../../trading/bar-columns.ts';
import { randomWalkBars } from './fixtures.ts';

describe('BarColumnsBuilder', () => {
  const bars = randomWalkBars(100, 3);

  it.each([
    { name: 'within its first capacity', capacity: 200, count: 100 },
    { name: 'growing past it several times', capacity: 1, count: 100 },
    { name: 'filled exactly', capacity: 100, count: 100 },
  ])('holds the bars appended, $name', ({ capacity, count }) => {
    const builder = new BarColumnsBuilder(capacity);
    bars.slice(0, count).forEach((bar) => builder.append(bar));
    expect(builder.build()).toEqual(barColumnsOf(bars.slice(0, count)));
    expect(Array.from(builder.openTimes)).toEqual(bars.slice(0, count).map((bar) => bar.openTime));
  });

  it('builds a range of them, copied to its own size', () => {
    const builder = new BarColumnsBuilder(8);
    bars.forEach((bar) => builder.append(bar));
    const range = builder.build(10, 25);
    expect(range).toEqual(barColumnsOf(bars.slice(10, 25)));
    expect(range.close.buffer.byteLength).toBe(15 * Float64Array.BYTES_PER_ELEMENT);
  });

  it('hands over its own columns, uncopied, when they hold exactly the bars', () => {
    const builder = new BarColumnsBuilder(bars.length);
    bars.forEach((bar) => builder.append(bar));
    const built = builder.build();
    expect(built.close.buffer.byteLength).toBe(bars.length * Float64Array.BYTES_PER_ELEMENT);
    expect(built).toEqual(barColumnsOf(bars));
  });
});
