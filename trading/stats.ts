// Performance statistics over closed trades, overall and per strategy.
import { CompensatedSum, preciseSum } from './compensated-sum.ts';

export interface ClosedTrade {
  strategy: string;
  /** Realised P&L in account currency, costs included. */
  pnl: number;
  /** UTC epoch ms; trades are replayed in this order for the drawdown. */
  closedAt: number;
}

export interface TradeStats {
  count: number;
  /** pnl > 0; a trade with pnl = 0 is neither a win nor a loss. */
  wins: number;
  losses: number;
  /** wins / count; null without trades. */
  winRate: number | null;
  grossProfit: number;
  /** Sum of losing P&L as a positive number. */
  grossLoss: number;
  netPnl: number;
  /** grossProfit / grossLoss; null when there is no loss (undefined, and JSON has no Infinity). */
  profitFactor: number | null;
  /** Mean P&L per trade; null without trades. */
  expectancy: number | null;
  averageWin: number | null;
  /** Mean losing P&L, a negative number; null without losses. */
  averageLoss: number | null;
  /** Largest fall of the equity curve from a previous peak, in money (≥ 0). */
  maxDrawdown: number;
  /** Largest fall from a peak as a percent of that peak; null when the curve never had a positive peak. */
  maxDrawdownPct: number | null;
  /** Mean P&L over its sample standard deviation, per trade; null below 2 trades or with no spread. */
  sharpePerTrade: number | null;
}

export interface PerformanceReport {
  overall: TradeStats;
  byStrategy: Record<string, TradeStats>;
}

/**
 * A peak below half a cent is float residue of a curve back at zero (−0.3 + 0.1 + 0.2 = 2.8e-17),
 * not money: a drawdown percent of it would be astronomically wrong.
 */
const MIN_PEAK_FOR_PCT = 0.005;

function drawdowns(pnls: readonly number[], startingBalance: number): { money: number; pct: number | null } {
  const equity = new CompensatedSum().add(startingBalance);
  let peak = startingBalance;
  let money = 0;
  let pct: number | null = null;
  for (const pnl of pnls) {
    const value = equity.add(pnl).value;
    peak = Math.max(peak, value);
    money = Math.max(money, peak - value);
    if (peak >= MIN_PEAK_FOR_PCT) pct = Math.max(pct ?? 0, ((peak - value) / peak) * 100);
  }
  return { money, pct: pct ?? (startingBalance > 0 ? 0 : null) };
}

function sharpe(pnls: readonly number[], mean: number): number | null {
  if (pnls.length < 2) return null;
  const variance = preciseSum(pnls.map((pnl) => (pnl - mean) ** 2)) / (pnls.length - 1);
  return variance > 0 ? mean / Math.sqrt(variance) : null;
}

/** Stats of trades taken in closing order, starting from `startingBalance` (for drawdown %). */
export function tradeStats(trades: readonly ClosedTrade[], startingBalance: number): TradeStats {
  const pnls = [...trades].sort((a, b) => a.closedAt - b.closedAt).map((trade) => trade.pnl);
  const winning = pnls.filter((pnl) => pnl > 0);
  const losing = pnls.filter((pnl) => pnl < 0);
  const grossProfit = preciseSum(winning);
  // No losing trade is a gross loss of 0, not the −0 that negating an empty sum gives.
  const grossLoss = losing.length > 0 ? -preciseSum(losing) : 0;
  const netPnl = preciseSum(pnls);
  const expectancy = pnls.length > 0 ? netPnl / pnls.length : null;
  const drawdown = drawdowns(pnls, startingBalance);
  return {
    count: pnls.length,
    wins: winning.length,
    losses: losing.length,
    winRate: pnls.length > 0 ? winning.length / pnls.length : null,
    grossProfit,
    grossLoss,
    netPnl,
    profitFactor: grossLoss > 0 ? grossProfit / grossLoss : null,
    expectancy,
    averageWin: winning.length > 0 ? grossProfit / winning.length : null,
    averageLoss: losing.length > 0 ? -grossLoss / losing.length : null,
    maxDrawdown: drawdown.money,
    maxDrawdownPct: drawdown.pct,
    sharpePerTrade: expectancy === null ? null : sharpe(pnls, expectancy),
  };
}

/** Overall stats and one set per strategy, each strategy's curve starting from the same balance. */
export function performanceReport(trades: readonly ClosedTrade[], startingBalance: number): PerformanceReport {
  const groups = new Map<string, ClosedTrade[]>();
  for (const trade of trades) {
    const group = groups.get(trade.strategy);
    if (group === undefined) groups.set(trade.strategy, [trade]);
    else group.push(trade);
  }
  return {
    overall: tradeStats(trades, startingBalance),
    byStrategy: Object.fromEntries(
      [...groups].map(([strategy, group]) => [strategy, tradeStats(group, startingBalance)]),
    ),
  };
}
