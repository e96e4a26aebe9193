// The backtest result as JSON for machines: keys in the order the types declare them, strategies in
// their canonical order and ignore reasons sorted, so two runs diff line by line. The literals below
// name every field, so a required field added to a type fails the type check here until it is written out.
import { STRATEGY_NAMES } from '../../trading/strategies/index.ts';
import type { BacktestResult, BacktestTrade, BacktestTradeStats, EquityPoint } from '../types.ts';

function orderedStats(stats: BacktestTradeStats): BacktestTradeStats {
  return {
    count: stats.count,
    wins: stats.wins,
    losses: stats.losses,
    winRate: stats.winRate,
    grossProfit: stats.grossProfit,
    grossLoss: stats.grossLoss,
    netPnl: stats.netPnl,
    profitFactor: stats.profitFactor,
    expectancy: stats.expectancy,
    averageWin: stats.averageWin,
    averageLoss: stats.averageLoss,
    maxDrawdown: stats.maxDrawdown,
    maxDrawdownPct: stats.maxDrawdownPct,
    sharpePerTrade: stats.sharpePerTrade,
    longestLosingStreak: stats.longestLosingStreak,
    exposure: stats.exposure,
  };
}

function orderedTrade(trade: BacktestTrade): BacktestTrade {
  return {
    positionId: trade.positionId,
    strategy: trade.strategy,
    side: trade.side,
    volume: trade.volume,
    openTime: trade.openTime,
    openPrice: trade.openPrice,
    stopLoss: trade.stopLoss,
    takeProfit: trade.takeProfit,
    closeTime: trade.closeTime,
    closePrice: trade.closePrice,
    closeReason: trade.closeReason,
    commission: trade.commission,
    profit: trade.profit,
    pnl: trade.pnl,
  };
}

function orderedEquityPoint(point: EquityPoint): EquityPoint {
  return { time: point.time, balance: point.balance, drawdownPct: point.drawdownPct };
}

function orderedResult(result: BacktestResult): BacktestResult {
  const byStrategy = STRATEGY_NAMES.flatMap((name) => {
    const stats = result.byStrategy[name];
    return stats === undefined ? [] : [[name, orderedStats(stats)] as const];
  });
  const { decisions, killSwitch } = result;
  return {
    symbol: result.symbol,
    from: result.from,
    to: result.to,
    bars: result.bars,
    warmUpBars: result.warmUpBars,
    startingBalance: result.startingBalance,
    finalBalance: result.finalBalance,
    overall: orderedStats(result.overall),
    byStrategy: Object.fromEntries(byStrategy),
    signals: result.signals,
    decisions: {
      opened: decisions.opened,
      ignored: decisions.ignored,
      ignoredBy: Object.fromEntries(
        Object.entries(decisions.ignoredBy).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
    },
    killSwitch: killSwitch === null ? null : { time: killSwitch.time, reason: killSwitch.reason },
    trades: result.trades.map(orderedTrade),
    equity: result.equity.map(orderedEquityPoint),
    elapsedMs: result.elapsedMs,
  };
}

/** Pretty-printed (2 spaces) JSON of the result, ending with a newline. */
export function backtestReportJson(result: BacktestResult): string {
  return `${JSON.stringify(orderedResult(result), null, 2)}\n`;
}
