// The stats table: one row for all trades, then one per strategy that traded.
import { STRATEGY_NAMES } from '../../trading/strategies/index.ts';
import type { BacktestResult, BacktestTradeStats } from '../types.ts';
import { escapeHtml } from './escape.ts';
import { formatCount, formatMoney, formatPercent, formatRatio, formatShare } from './format.ts';

const COLUMNS: Array<{ heading: string; cell: (stats: BacktestTradeStats) => string }> = [
  { heading: 'Trades', cell: (stats) => formatCount(stats.count) },
  { heading: 'Win rate', cell: (stats) => formatShare(stats.winRate) },
  { heading: 'Profit factor', cell: (stats) => formatRatio(stats.profitFactor) },
  { heading: 'Expectancy', cell: (stats) => formatMoney(stats.expectancy) },
  { heading: 'Average win', cell: (stats) => formatMoney(stats.averageWin) },
  { heading: 'Average loss', cell: (stats) => formatMoney(stats.averageLoss) },
  { heading: 'Net P&L', cell: (stats) => formatMoney(stats.netPnl) },
  { heading: 'Max drawdown', cell: (stats) => formatMoney(stats.maxDrawdown) },
  { heading: 'Max drawdown %', cell: (stats) => formatPercent(stats.maxDrawdownPct) },
  { heading: 'Longest losing streak', cell: (stats) => formatCount(stats.longestLosingStreak) },
  { heading: 'Exposure', cell: (stats) => formatShare(stats.exposure) },
];

function row(label: string, key: string, stats: BacktestTradeStats): string {
  const tone = stats.netPnl > 0 ? 'gain' : stats.netPnl < 0 ? 'loss' : 'flat';
  const cells = COLUMNS.map((column) => `<td>${escapeHtml(column.cell(stats))}</td>`).join('');
  return `<tr data-strategy="${escapeHtml(key)}" class="${tone}"><th scope="row">${escapeHtml(label)}</th>${cells}</tr>`;
}

export function statsTableHtml(result: BacktestResult): string {
  const strategies = STRATEGY_NAMES.flatMap((name) => {
    const stats = result.byStrategy[name];
    return stats === undefined ? [] : [row(name, name, stats)];
  });
  const headings = COLUMNS.map((column) => `<th scope="col">${escapeHtml(column.heading)}</th>`).join('');
  return [
    '<table class="stats">',
    `<thead><tr><th scope="col">Strategy</th>${headings}</tr></thead>`,
    `<tbody>${row('All strategies', 'overall', result.overall)}${strategies.join('')}</tbody>`,
    '</table>',
  ].join('\n');
}
