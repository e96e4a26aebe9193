import fc from 'fast-check';
import { MINUTE_MS } from '../../../../brokers/feeds/feed.ts';
import { createSyntheticFeed } from '../../../../brokers/feeds/synthetic.ts';

const NOW = Date.UTC(2026, 2, 10, 14, 30, 25);
const minuteArb = fc.integer({ min: 20_000_000, max: 30_000_000 }).map((minute) => minute * MINUTE_MS);

describe('synthetic M1 feed', () => {
  it('gives the same bar for the same seed and minute, whatever the order of requests', () => {
    fc.assert(
      fc.property(fc.integer(), minuteArb, (seed, openTime) => {
        const first = createSyntheticFeed({ seed });
        const second = createSyntheticFeed({ seed });
        second.barAt('XAUUSDm', openTime + 7 * 86_400_000);
        second.barAt('XAUUSDm', openTime - 3 * 86_400_000);
        expect(second.barAt('XAUUSDm', openTime)).toEqual(first.barAt('XAUUSDm', openTime));
      }),
      { numRuns: 30 },
    );
  });

  it('gives every day the same bars after its cache has evicted and reused days many times over', () => {
    const DAY_MS = 86_400_000;
    const start = Date.UTC(2025, 0, 1);
    const walked = createSyntheticFeed({ seed: 7 });
    const days = Array.from({ length: 40 }, (_, day) =>
      walked.barsBetween('XAUUSDm', start + day * DAY_MS, start + (day + 1) * DAY_MS),
    );
    for (const day of [0, 15, 16, 17, 33, 39]) {
      const fresh = createSyntheticFeed({ seed: 7 }).barsBetween(
        'XAUUSDm',
        start + day * DAY_MS,
        start + (day + 1) * DAY_MS,
      );
      expect(days[day]).toEqual(fresh);
    }
    // And a day read again once its arrays hold another day's path is rebuilt, not served stale.
    expect(walked.barsBetween('XAUUSDm', start, start + DAY_MS)).toEqual(days[0]);
  });

  it('differs between seeds', () => {
    const a = createSyntheticFeed({ seed: 1 }).closedBars('XAUUSDm', 50, NOW);
    const b = createSyntheticFeed({ seed: 2 }).closedBars('XAUUSDm', 50, NOW);
    expect(a.map((bar) => bar.close)).not.toEqual(b.map((bar) => bar.close));
  });

  it('returns the last whole minutes before the forming one, ascending and joined open-to-close', () => {
    const bars = createSyntheticFeed({ seed: 7 }).closedBars('XAUUSDm', 100, NOW);
    expect(bars).toHaveLength(100);
    expect(bars.at(-1)?.openTime).toBe(Date.UTC(2026, 2, 10, 14, 29));
    bars.forEach((bar, i) => {
      if (i > 0) {
        expect(bar.openTime - (bars[i - 1]?.openTime ?? 0)).toBe(MINUTE_MS);
        expect(bar.open).toBe(bars[i - 1]?.close);
      }
    });
  });

  it('produces valid gold-like bars: OHLC consistent, 2000–4000, spread 15–40 points, 2 digits', () => {
    fc.assert(
      fc.property(fc.integer(), minuteArb, (seed, openTime) => {
        const bar = createSyntheticFeed({ seed }).barAt('XAUUSDm', openTime);
        expect(bar).not.toBeNull();
        if (bar === null) return;
        expect(bar.high).toBeGreaterThanOrEqual(Math.max(bar.open, bar.close));
        expect(bar.low).toBeLessThanOrEqual(Math.min(bar.open, bar.close));
        expect(bar.low).toBeGreaterThan(2000);
        expect(bar.high).toBeLessThan(4000);
        expect(bar.spread).toBeGreaterThanOrEqual(15);
        expect(bar.spread).toBeLessThanOrEqual(40);
        for (const price of [bar.open, bar.high, bar.low, bar.close]) {
          expect(Math.round(price * 100) / 100).toBe(price);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('switches volatility regimes: some hours are several times busier than others', () => {
    const feed = createSyntheticFeed({ seed: 3 });
    const day = feed.barsBetween('XAUUSDm', Date.UTC(2026, 2, 10), Date.UTC(2026, 2, 11));
    const hourlyRanges = Array.from({ length: 24 }, (_, hour) => {
      const bars = day.slice(hour * 60, hour * 60 + 60);
      return bars.reduce((sum, bar) => sum + bar.high - bar.low, 0) / bars.length;
    });
    expect(Math.max(...hourlyRanges) / Math.min(...hourlyRanges)).toBeGreaterThan(2.5);
  });

  it('quotes inside the forming bar, ask = bid + spread × point', () => {
    const feed = createSyntheticFeed({ seed: 11 });
    const forming = feed.barAt('XAUUSDm', Date.UTC(2026, 2, 10, 14, 30));
    const quote = feed.quote('XAUUSDm', NOW);
    expect(forming).not.toBeNull();
    expect(quote).not.toBeNull();
    if (forming === null || quote === null) return;
    expect(quote.bid).toBeGreaterThanOrEqual(forming.low);
    expect(quote.bid).toBeLessThanOrEqual(forming.high);
    expect(Math.round((quote.ask - quote.bid) * 100)).toBe(forming.spread);
    expect(quote.time).toBe(NOW);
  });

  it('has no data for an unknown symbol, and a 5-digit EURUSD', () => {
    const feed = createSyntheticFeed({ seed: 1 });
    expect(feed.quote('BTCUSD', NOW)).toBeNull();
    expect(feed.closedBars('BTCUSD', 5, NOW)).toEqual([]);
    const eur = feed.closedBars('EURUSDm', 1, NOW)[0];
    expect(eur?.close).toBeGreaterThan(0.7);
    expect(eur?.close).toBeLessThan(1.6);
  });
});
