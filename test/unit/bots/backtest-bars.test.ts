import { syntheticBacktestBars } from '../../../bots/backtest-bars.ts';
import { MINUTE_MS } from '../../../brokers/feeds/feed.ts';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { barColumnsOf } from '../../../trading/bar-columns.ts';

describe('syntheticBacktestBars', () => {
  it.each([
    { name: 'over several days, warm-up included', days: 3.5, warmUp: 700 },
    { name: 'a period shorter than a day', days: 0.25, warmUp: 0 },
  ])('are the feed’s bars for the warm-up, the period and the next minute: $name', ({ days, warmUp }) => {
    const from = Date.UTC(2025, 2, 3, 7, 0);
    const to = from + days * 1440 * MINUTE_MS;
    const expected = createSyntheticFeed({ seed: 11 }).barsBetween(
      'XAUUSDm',
      from - warmUp * MINUTE_MS,
      to + MINUTE_MS,
    );
    const columns = syntheticBacktestBars('XAUUSDm', 11, { from, to }, warmUp);
    expect(columns).toEqual(barColumnsOf(expected));
    expect(columns.openTime.length).toBe(warmUp + days * 1440 + 1);
  });
});
