// The backtest report as one self-contained HTML file: it loads nothing, so it can be mailed,
// archived or opened offline. The chart library (lightweight-charts' standalone build) and the
// data are inlined; the stats and summary are plain markup, readable without JavaScript.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BacktestResult, BacktestSettings } from '../types.ts';
import type { BarColumns } from '../../trading/bar-columns.ts';
import { aggregateCandles, chooseTimeframe } from './candles.ts';
import { MARKER_COLOURS, reportChartData } from './chart-data.ts';
import { escapeHtml, inlineScriptText, jsonScriptText } from './escape.ts';
import { formatUtcMinute } from './format.ts';
import { LABELLED_CANDLES, PAGE_SCRIPT } from './page-script.ts';
import { REPORT_STYLES } from './styles.ts';
import { statsTableHtml } from './stats-table.ts';
import { summaryHtml } from './summary.ts';

/** The package exports only its ES modules, so the standalone build is found next to its package.json. */
function chartLibrarySource(): string {
  const packageJson = createRequire(import.meta.url).resolve('lightweight-charts/package.json');
  return readFileSync(join(dirname(packageJson), 'dist/lightweight-charts.standalone.production.js'), 'utf8');
}

function legendHtml(): string {
  const items: Array<[string, string]> = [
    [MARKER_COLOURS.buy, '▲ buy entry'],
    [MARKER_COLOURS.sell, '▼ sell entry'],
    [MARKER_COLOURS.win, '● exit at a profit'],
    [MARKER_COLOURS.loss, '● exit at a loss'],
  ];
  const hint = `<span class="hint">zoom in (wheel or pinch) to ${LABELLED_CANDLES} candles or fewer to read each exit's reason and P&amp;L</span>`;
  return `<p class="legend">${items.map(([colour, label]) => `<span style="color:${colour}">${label}</span>`).join(' ')} ${hint}</p>`;
}

/** The report for `result` of `settings`, drawing the bars of `bars` that open in the tested period [from, to). */
export function backtestReportHtml(result: BacktestResult, settings: BacktestSettings, bars: BarColumns): string {
  const timeframe = chooseTimeframe(bars.openTime, result.from, result.to);
  const candles = aggregateCandles(bars, timeframe, result.from, result.to);
  const title = `Backtest ${result.symbol}, ${formatUtcMinute(result.from)} → ${formatUtcMinute(result.to)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${REPORT_STYLES}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<section>
<h2>Summary</h2>
${summaryHtml(result, settings, candles)}
</section>
<section>
<h2>Statistics</h2>
${statsTableHtml(result)}
</section>
<section>
<h2>Price, ${escapeHtml(timeframe.name)} candles</h2>
${legendHtml()}
<div id="price-chart" class="chart price" data-chart="price"></div>
<h2>Balance</h2>
<div id="equity-chart" class="chart" data-chart="equity"></div>
<h2>Drawdown from the peak balance</h2>
<div id="drawdown-chart" class="chart" data-chart="drawdown"></div>
</section>
<script type="application/json" id="report-data">${jsonScriptText(reportChartData(result, candles))}</script>
<script>${inlineScriptText(chartLibrarySource())}</script>
<script>${inlineScriptText(PAGE_SCRIPT)}</script>
</body>
</html>
`;
}
