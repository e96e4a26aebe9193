import { MessageChannel } from 'node:worker_threads';
import { barColumnsOf } from '../../../trading/bar-columns.ts';
import { sharedBarColumns } from '../../../backtest/sweep/shared-bars.ts';
import type { BarColumns } from '../../../trading/bar-columns.ts';

const T0 = Date.UTC(2025, 0, 6);
const columns = barColumnsOf([
  { openTime: T0, open: 1, high: 3, low: 0.5, close: 2, tickVolume: 10, spread: 20 },
  { openTime: T0 + 60_000, open: 2, high: 2.5, low: 1.5, close: 1.75, tickVolume: 12, spread: 22 },
]);

/** Posts the columns through a message port, as the pool posts them to a worker thread. */
async function posted(value: BarColumns): Promise<BarColumns> {
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<BarColumns>((resolve) => port2.once('message', resolve));
  port1.postMessage(value);
  const result = await received;
  port1.close();
  return result;
}

describe('sharedBarColumns', () => {
  it('copies every column onto a SharedArrayBuffer, values unchanged', () => {
    const shared = sharedBarColumns(columns);
    for (const key of Object.keys(columns) as (keyof BarColumns)[]) {
      expect(shared[key].buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(Array.from(shared[key])).toEqual(Array.from(columns[key]));
    }
    expect(columns.close.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it('keeps columns that are already shared', () => {
    const shared = sharedBarColumns(columns);
    const again = sharedBarColumns(shared);
    expect(again.close).toBe(shared.close);
  });

  it('is not copied when posted: the receiver reads and writes the same memory', async () => {
    const shared = sharedBarColumns(columns);
    const received = await posted(shared);
    expect(received.close).not.toBe(shared.close);
    received.close[0] = 42;
    expect(shared.close[0]).toBe(42);
    // A plain column is copied on the way.
    const copied = await posted(columns);
    copied.close[0] = 42;
    expect(columns.close[0]).toBe(2);
  });
});
