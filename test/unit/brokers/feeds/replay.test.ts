import type { Bar } from '../../../../trading/market.ts';
import { MINUTE_MS } from '../../../../brokers/feeds/feed.ts';
import { createReplayFeed } from '../../../../brokers/feeds/replay.ts';

const T0 = Date.UTC(2026, 2, 10, 10, 0);
const bar = (minute: number, open: number): Bar => ({
  openTime: T0 + minute * MINUTE_MS,
  open,
  high: open + 1,
  low: open - 1,
  close: open + 0.5,
  tickVolume: 1,
  spread: 30,
});

describe('replay feed', () => {
  // Minute 2 is missing, as in an export where nothing traded.
  const feed = createReplayFeed([
    { symbol: 'XAUUSDm', point: 0.01, bars: [bar(3, 2003), bar(0, 2000), bar(1, 2001), bar(4, 2004)] },
  ]);

  it('serves the closed bars before the forming minute, oldest first, skipping gaps', () => {
    expect(feed.closedBars('XAUUSDm', 3, T0 + 4 * MINUTE_MS + 10_000).map((b) => b.open)).toEqual([2000, 2001, 2003]);
    expect(feed.closedBars('XAUUSDm', 10, T0 + MINUTE_MS).map((b) => b.open)).toEqual([2000]);
    expect(feed.barsBetween('XAUUSDm', T0 + MINUTE_MS, T0 + 4 * MINUTE_MS).map((b) => b.open)).toEqual([2001, 2003]);
    expect(feed.barAt('XAUUSDm', T0 + 2 * MINUTE_MS)).toBeNull();
  });

  it('quotes along the forming bar and has no quote in a minute without a bar', () => {
    // Bull bar 2000: O→L→H→C; one third in, the Bid is at the low.
    expect(feed.quote('XAUUSDm', T0 + 20_000)).toEqual({
      symbol: 'XAUUSDm',
      bid: 1999,
      ask: 1999.3,
      time: T0 + 20_000,
    });
    expect(feed.quote('XAUUSDm', T0 + 2 * MINUTE_MS + 5_000)).toBeNull();
    expect(feed.quote('EURUSDm', T0)).toBeNull();
  });
});
