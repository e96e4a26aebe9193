// The run at a glance: the period, the account, what the strategies proposed and what became of it.
import { lookbackFor } from '../../trading/strategies/lookback.ts';
import { describeCycleSchedule } from '../cycle-schedule.ts';
import type { BacktestResult, BacktestSettings } from '../types.ts';
import type { Candles } from './candles.ts';
import { escapeHtml } from './escape.ts';
import { costsText, formatCount, formatMoney, formatPercent, formatUtcMinute } from './format.ts';

const TOP_IGNORE_REASONS = 5;

function topIgnoreReasons(ignoredBy: Record<string, number>): string {
  const reasons = Object.entries(ignoredBy)
    .sort(([reasonA, countA], [reasonB, countB]) => countB - countA || reasonA.localeCompare(reasonB))
    .slice(0, TOP_IGNORE_REASONS);
  if (reasons.length === 0) return '—';
  const items = reasons.map(([reason, count]) => `<li>${escapeHtml(reason)}: ${formatCount(count)}</li>`);
  return `<ol class="reasons">${items.join('')}</ol>`;
}

export function summaryHtml(result: BacktestResult, settings: BacktestSettings, candles: Candles): string {
  const lookback = lookbackFor(settings.lookback, settings.enabledStrategies, settings.strategyParams);
  const returnPct =
    result.startingBalance > 0 ? ((result.finalBalance - result.startingBalance) / result.startingBalance) * 100 : null;
  const { decisions, killSwitch } = result;
  const entries: Array<[string, string]> = [
    ['Period', escapeHtml(`${formatUtcMinute(result.from)} → ${formatUtcMinute(result.to)}`)],
    ['Bars traded', formatCount(result.bars)],
    ['Warm-up bars', formatCount(result.warmUpBars)],
    ['Candles drawn', escapeHtml(`${formatCount(candles.time.length)} × ${candles.timeframe.name}`)],
    ['Strategies', escapeHtml(`${settings.enabledStrategies.join(', ')}; lookback ${lookback}`)],
    ['Cycles', escapeHtml(describeCycleSchedule(settings.schedule))],
    ['Account', escapeHtml(`${settings.accountMode}, leverage 1:${settings.leverage}`)],
    ['Costs', escapeHtml(costsText(settings.costs))],
    ['Starting balance', formatMoney(result.startingBalance)],
    ['Final balance', formatMoney(result.finalBalance)],
    ['Return', formatPercent(returnPct)],
    ['Signals', formatCount(result.signals)],
    ['Decisions opened', formatCount(decisions.opened)],
    ['Decisions ignored', formatCount(decisions.ignored)],
    ['Top ignore reasons', topIgnoreReasons(decisions.ignoredBy)],
    [
      'Kill-switch',
      killSwitch === null
        ? 'not tripped'
        : `<strong class="loss">tripped ${escapeHtml(formatUtcMinute(killSwitch.time))}: ${escapeHtml(killSwitch.reason)}</strong>`,
    ],
    ['Run time', `${formatCount(result.elapsedMs)} ms`],
  ];
  const rows = entries.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${value}</dd>`);
  return `<dl class="summary">${rows.join('')}</dl>`;
}
