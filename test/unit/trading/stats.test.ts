import fc from 'fast-check';
import { performanceReport, tradeStats, type ClosedTrade } from '../../../trading/stats.ts';

const trade = (pnl: number, closedAt: number, strategy = 'pin_bar'): ClosedTrade => ({ strategy, pnl, closedAt });

/** Brute force: the worst fall between any earlier equity point (start included) and any later one. */
function bruteForceDrawdown(pnls: readonly number[], start: number): { money: number; pct: number } {
  const equity = [start];
  for (const pnl of pnls) equity.push(equity.at(-1)! + pnl);
  let money = 0;
  let pct = 0;
  for (let i = 0; i < equity.length; i++) {
    for (let j = i + 1; j < equity.length; j++) {
      const peak = Math.max(...equity.slice(0, j));
      money = Math.max(money, equity[i]! - equity[j]!);
      if (peak > 0) pct = Math.max(pct, ((peak - equity[j]!) / peak) * 100);
    }
  }
  return { money, pct };
}

describe('performance stats', () => {
  it('computes every statistic on a known list, in closing order', () => {
    const stats = tradeStats([trade(-50, 3), trade(100, 1), trade(0, 4), trade(-30, 2), trade(60, 5)], 1000);
    expect(stats).toMatchObject({
      count: 5,
      wins: 2,
      losses: 2,
      winRate: 0.4,
      grossProfit: 160,
      grossLoss: 80,
      netPnl: 80,
      profitFactor: 2,
      expectancy: 16,
      averageWin: 80,
      averageLoss: -40,
      // Curve 1000 → 1100 → 1070 → 1020 → 1020 → 1080: worst fall 80 from the 1100 peak.
      maxDrawdown: 80,
    });
    expect(stats.maxDrawdownPct).toBeCloseTo((80 / 1100) * 100, 9);
    // Sample standard deviation of [100, −30, −50, 0, 60] around 16.
    const sd = Math.sqrt((84 ** 2 + 46 ** 2 + 66 ** 2 + 16 ** 2 + 44 ** 2) / 4);
    expect(stats.sharpePerTrade).toBeCloseTo(16 / sd, 9);
  });

  it('takes no drawdown percent from a peak that is float residue of a curve back at zero', () => {
    // From 0: −0.3 + 0.1 + 0.2 sums to 2.8e-17 in doubles, then a loss of 1.
    const stats = tradeStats([trade(-0.3, 1), trade(0.1, 2), trade(0.2, 3), trade(-1, 4)], 0);
    expect(stats.maxDrawdown).toBeCloseTo(1, 9);
    expect(stats.maxDrawdownPct).toBeNull();
  });

  it('is Infinity-safe: no loss → profit factor null; no trades → nulls and zeros', () => {
    expect(tradeStats([trade(10, 1), trade(5, 2)], 1000)).toMatchObject({
      // +0 (toMatchObject tells it from −0, as a report's "−0.00" would)
      grossLoss: 0,
      profitFactor: null,
      averageLoss: null,
      maxDrawdown: 0,
      maxDrawdownPct: 0,
    });
    expect(tradeStats([], 1000)).toMatchObject({
      count: 0,
      winRate: null,
      profitFactor: null,
      expectancy: null,
      sharpePerTrade: null,
      netPnl: 0,
    });
    expect(tradeStats([trade(5, 1), trade(5, 2)], 1000).sharpePerTrade).toBeNull();
  });

  it('sums money without float drift', () => {
    const stats = tradeStats(
      Array.from({ length: 10 }, (_, i) => trade(0.1, i)),
      0,
    );
    expect(stats.netPnl).toBe(1);
  });

  it('reports per strategy, each from the same starting balance', () => {
    const report = performanceReport(
      [trade(100, 1, 'pin_bar'), trade(-40, 2, 'doji_breakout'), trade(-20, 3, 'pin_bar')],
      1000,
    );
    expect(report.overall.count).toBe(3);
    expect(Object.keys(report.byStrategy).sort()).toEqual(['doji_breakout', 'pin_bar']);
    expect(report.byStrategy['pin_bar']).toMatchObject({ count: 2, netPnl: 80, profitFactor: 5, maxDrawdown: 20 });
    expect(report.byStrategy['doji_breakout']).toMatchObject({ count: 1, profitFactor: 0, maxDrawdown: 40 });
  });

  it('profit factor and drawdown agree with a brute-force computation on random trade lists', () => {
    const trades = fc.array(
      fc.record({
        strategy: fc.constantFrom('a', 'b'),
        pnl: fc.integer({ min: -50_000, max: 50_000 }).map((cents) => cents / 100),
        closedAt: fc.integer({ min: 0, max: 1_000_000 }),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(trades, fc.integer({ min: 1, max: 100_000 }), (list, start) => {
        const ordered = [...list].sort((a, b) => a.closedAt - b.closedAt).map((t) => t.pnl);
        const stats = tradeStats(list, start);
        const profit = ordered.filter((p) => p > 0).reduce((s, p) => s + p, 0);
        const loss = ordered.filter((p) => p < 0).reduce((s, p) => s - p, 0);
        if (loss === 0) expect(stats.profitFactor).toBeNull();
        else expect(stats.profitFactor).toBeCloseTo(profit / loss, 9);
        const brute = bruteForceDrawdown(ordered, start);
        expect(stats.maxDrawdown).toBeCloseTo(brute.money, 6);
        expect(stats.maxDrawdownPct).toBeCloseTo(brute.pct, 6);
        expect(stats.wins + stats.losses).toBeLessThanOrEqual(stats.count);
      }),
    );
  });
});
