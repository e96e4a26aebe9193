import { RANK_METRICS, rankByMetric, type RankMetric } from '../../../backtest/sweep/rank.ts';
import type { TradeStats } from '../../../trading/stats.ts';

function stats(overrides: Partial<TradeStats>): TradeStats {
  return {
    count: 10,
    wins: 5,
    losses: 5,
    winRate: 0.5,
    grossProfit: 100,
    grossLoss: 100,
    netPnl: 0,
    profitFactor: 1,
    expectancy: 0,
    averageWin: 20,
    averageLoss: -20,
    maxDrawdown: 50,
    maxDrawdownPct: 0.5,
    sharpePerTrade: 0,
    ...overrides,
  };
}

const result = (name: string, overrides: Partial<TradeStats>) => ({ name, overall: stats(overrides) });
const names = (results: { name: string }[]) => results.map((r) => r.name);

describe('rankByMetric', () => {
  it.each<[RankMetric, Partial<TradeStats>[], string[]]>([
    ['netPnl', [{ netPnl: 5 }, { netPnl: 50 }, { netPnl: -5 }], ['b', 'a', 'c']],
    // Null: trades, but nothing won and nothing lost.
    [
      'profitFactor',
      [{ profitFactor: 1.2 }, { profitFactor: null, grossProfit: 0 }, { profitFactor: 2 }],
      ['c', 'a', 'b'],
    ],
    ['expectancy', [{ expectancy: -1 }, { expectancy: 3 }, { expectancy: null }], ['b', 'a', 'c']],
    ['winRate', [{ winRate: 0.4 }, { winRate: 0.6 }, { winRate: 0.5 }], ['b', 'c', 'a']],
    // Lower is better; a null (no positive peak to measure from) still ranks last.
    ['maxDrawdownPct', [{ maxDrawdownPct: 3 }, { maxDrawdownPct: null }, { maxDrawdownPct: 1 }], ['c', 'a', 'b']],
    ['sharpePerTrade', [{ sharpePerTrade: null }, { sharpePerTrade: 0.1 }, { sharpePerTrade: -0.2 }], ['b', 'c', 'a']],
  ])('ranks by %s, nulls last', (metric, overrides, expected) => {
    const results = overrides.map((o, i) => result('abc'[i]!, o));
    expect(names(rankByMetric(results, metric))).toEqual(expected);
  });

  it('breaks ties by net P&L, then by trade count, then keeps the given order', () => {
    const results = [
      result('fewer', { winRate: 0.5, netPnl: 10, count: 5 }),
      result('richer', { winRate: 0.5, netPnl: 20, count: 5 }),
      result('more', { winRate: 0.5, netPnl: 10, count: 8 }),
      result('same', { winRate: 0.5, netPnl: 10, count: 5 }),
      result('null', { winRate: null, netPnl: 99, count: 0 }),
    ];
    expect(names(rankByMetric(results, 'winRate'))).toEqual(['richer', 'more', 'fewer', 'same', 'null']);
  });

  it('a profit factor without a losing trade ranks above every number', () => {
    const results = [
      result('losing', { profitFactor: 0.8, netPnl: -20 }),
      result('no loss', { profitFactor: null, grossProfit: 30, grossLoss: 0, losses: 0, netPnl: 30 }),
      result('good', { profitFactor: 3, netPnl: 200 }),
    ];
    expect(names(rankByMetric(results, 'profitFactor'))).toEqual(['no loss', 'good', 'losing']);
  });

  it.each<RankMetric>([...RANK_METRICS])(
    'a point without trades ranks after every point that traded, by %s',
    (metric) => {
      const idle = { count: 0, wins: 0, losses: 0, winRate: null, grossProfit: 0, grossLoss: 0, netPnl: 0 };
      const results = [
        result('idle', { ...idle, profitFactor: null, expectancy: null, maxDrawdownPct: 0, sharpePerTrade: null }),
        result('traded', {
          netPnl: -50,
          profitFactor: 0.5,
          expectancy: -5,
          winRate: 0.2,
          maxDrawdownPct: 9,
          sharpePerTrade: -1,
        }),
      ];
      expect(names(rankByMetric(results, metric))).toEqual(['traded', 'idle']);
    },
  );

  it('ranks nulls among themselves by net P&L', () => {
    const results = [result('a', { profitFactor: null, netPnl: 1 }), result('b', { profitFactor: null, netPnl: 2 })];
    expect(names(rankByMetric(results, 'profitFactor'))).toEqual(['b', 'a']);
  });

  it('leaves its input as it was', () => {
    const results = [result('a', { netPnl: 1 }), result('b', { netPnl: 2 })];
    rankByMetric(results, 'netPnl');
    expect(names(results)).toEqual(['a', 'b']);
  });
});
