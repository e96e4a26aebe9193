// The stats the API serves for a bot (trading/stats.ts), plus what a backtest adds: the longest
// losing streak, the share of time in the market, and the balance curve with its drawdown.
import type { StrategyName } from '../trading/strategies/index.ts';
import { tradeStats } from '../trading/stats.ts';
import type { BacktestResult, BacktestTrade, BacktestTradeStats, EquityPoint } from './types.ts';

export interface ExposureCount {
  /** Cycles run: one per traded bar for a bar-aligned bot, more or fewer on an interval. */
  cycles: number;
  /** Cycles that ended with a position open, overall and by strategy. */
  open: number;
  byStrategy: ReadonlyMap<string, number>;
}

function longestLosingStreak(trades: readonly BacktestTrade[]): number {
  let longest = 0;
  let current = 0;
  for (const trade of trades) {
    current = trade.pnl < 0 ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return longest;
}

function statsOf(trades: readonly BacktestTrade[], startingBalance: number, openCycles: number, cycles: number) {
  const closed = trades.map((trade) => ({ strategy: trade.strategy, pnl: trade.pnl, closedAt: trade.closeTime }));
  return {
    ...tradeStats(closed, startingBalance),
    longestLosingStreak: longestLosingStreak(trades),
    exposure: cycles > 0 ? openCycles / cycles : 0,
  } satisfies BacktestTradeStats;
}

/** The balance after each closed trade, from the starting balance. */
function equityCurve(trades: readonly BacktestTrade[], startingBalance: number, start: number): EquityPoint[] {
  const curve: EquityPoint[] = [{ time: start, balance: startingBalance, drawdownPct: 0 }];
  let balanceCents = Math.round(startingBalance * 100);
  let peakCents = balanceCents;
  for (const trade of trades) {
    balanceCents += Math.round(trade.pnl * 100);
    peakCents = Math.max(peakCents, balanceCents);
    const drawdownPct = peakCents > 0 ? ((peakCents - balanceCents) / peakCents) * 100 : 0;
    curve.push({ time: trade.closeTime, balance: balanceCents / 100, drawdownPct });
  }
  return curve;
}

export function summarize(
  trades: readonly BacktestTrade[],
  startingBalance: number,
  exposure: ExposureCount,
  start: number,
): Pick<BacktestResult, 'overall' | 'byStrategy' | 'equity'> {
  const inCloseOrder = [...trades].sort((a, b) => a.closeTime - b.closeTime);
  const strategies = [...new Set(inCloseOrder.map((trade) => trade.strategy))].sort();
  const byStrategy: BacktestResult['byStrategy'] = {};
  for (const strategy of strategies) {
    const own = inCloseOrder.filter((trade) => trade.strategy === strategy);
    byStrategy[strategy as StrategyName] = statsOf(
      own,
      startingBalance,
      exposure.byStrategy.get(strategy) ?? 0,
      exposure.cycles,
    );
  }
  return {
    overall: statsOf(inCloseOrder, startingBalance, exposure.open, exposure.cycles),
    byStrategy,
    equity: equityCurve(inCloseOrder, startingBalance, start),
  };
}
