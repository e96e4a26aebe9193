// One backtest as a terminal shows it: what was tested, the balance, what the decisions did, and the
// stats table a trader reads first (all strategies, then each strategy that traded).
import {
  costsText,
  formatCount,
  formatMoney,
  formatPercent,
  formatRatio,
  formatShare,
  formatSignedMoney,
  formatUtcMinute,
} from '../backtest/report/format.ts';
import { describeCycleSchedule } from '../backtest/cycle-schedule.ts';
import type { BacktestResult, BacktestSettings, BacktestTradeStats } from '../backtest/types.ts';
import { STRATEGY_NAMES } from '../trading/strategies/index.ts';
import { lookbackFor } from '../trading/strategies/lookback.ts';
import { textTable, type TextColumn } from './text-table.ts';

/** Ignore reasons named in the summary; the rest are in result.json. */
const IGNORE_REASONS_SHOWN = 3;

/** A right-aligned column of one statistic. */
export interface StatColumn extends TextColumn {
  cell: (stats: BacktestTradeStats) => string;
}

export const stat = (heading: string, cell: StatColumn['cell']): StatColumn => ({ heading, align: 'right', cell });

const STATS_COLUMNS: StatColumn[] = [
  stat('Trades', (stats) => formatCount(stats.count)),
  stat('Win rate', (stats) => formatShare(stats.winRate)),
  stat('Profit factor', (stats) => formatRatio(stats.profitFactor)),
  stat('Expectancy', (stats) => formatMoney(stats.expectancy)),
  stat('Avg win', (stats) => formatMoney(stats.averageWin)),
  stat('Avg loss', (stats) => formatMoney(stats.averageLoss)),
  stat('Net P&L', (stats) => formatMoney(stats.netPnl)),
  stat('Max DD', (stats) => formatMoney(stats.maxDrawdown)),
  stat('Max DD %', (stats) => formatPercent(stats.maxDrawdownPct)),
  stat('Losing streak', (stats) => formatCount(stats.longestLosingStreak)),
  stat('Exposure', (stats) => formatShare(stats.exposure)),
];

export function statsTable(result: BacktestResult): string[] {
  const rows = [
    ['All strategies', result.overall] as const,
    ...STRATEGY_NAMES.flatMap((name) => {
      const stats = result.byStrategy[name];
      return stats === undefined ? [] : [[name, stats] as const];
    }),
  ];
  return textTable(
    [{ heading: 'Strategy' }, ...STATS_COLUMNS],
    rows.map(([label, stats]) => [label, ...STATS_COLUMNS.map((column) => column.cell(stats))]),
  );
}

function decisionsLine({ signals, decisions }: BacktestResult): string {
  const reasons = Object.entries(decisions.ignoredBy)
    .sort(([, a], [, b]) => b - a)
    .slice(0, IGNORE_REASONS_SHOWN)
    .map(([check, times]) => `${check} ${formatCount(times)}`);
  const why = reasons.length > 0 ? ` (most by ${reasons.join(', ')})` : '';
  return `signals   ${formatCount(signals)}: opened ${formatCount(decisions.opened)}, ignored ${formatCount(decisions.ignored)}${why}`;
}

/** The lines printed for one backtest: what ran, then the stats table. */
export function backtestSummary(
  result: BacktestResult,
  settings: BacktestSettings,
  about: { barsFrom: string; settingsFrom: string },
): string[] {
  const lookback = lookbackFor(settings.lookback, settings.enabledStrategies, settings.strategyParams);
  const change = result.finalBalance - result.startingBalance;
  return [
    `${result.symbol}  ${formatUtcMinute(result.from)} → ${formatUtcMinute(result.to)}  (${about.barsFrom})`,
    `bars      ${formatCount(result.bars)} traded, ${formatCount(result.warmUpBars)} before them to warm up`,
    `settings  ${about.settingsFrom}: ${settings.enabledStrategies.join(', ')}; lookback ${lookback}; cycles ${describeCycleSchedule(settings.schedule)}`,
    `account   ${settings.accountMode}, leverage 1:${settings.leverage}; ${costsText(settings.costs)}`,
    `balance   ${formatMoney(result.startingBalance)} → ${formatMoney(result.finalBalance)} (${formatSignedMoney(change)})`,
    decisionsLine(result),
    ...(result.killSwitch === null
      ? []
      : [
          `kill switch tripped ${formatUtcMinute(result.killSwitch.time)}: ${result.killSwitch.reason}; no cycle ran after it`,
        ]),
    '',
    ...statsTable(result),
  ];
}
