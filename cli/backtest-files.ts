// What a CLI backtest leaves behind, in one directory: the HTML report, the whole result as JSON,
// the trades and the equity curve as CSV, and the settings it ran with (enough to run it again).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { backtestReportHtml } from '../backtest/report/html.ts';
import { backtestReportJson } from '../backtest/report/json.ts';
import type { BacktestResult, BacktestSettings } from '../backtest/types.ts';
import type { BarColumns } from '../trading/bar-columns.ts';
import { tradesCsv } from '../backtest/trades-csv.ts';
import type { Period } from './backtest-period.ts';
import { csvText } from '../backtest/csv-text.ts';
import { resolveInputPath } from './input-file.ts';

/** `--out`, or backtests/<symbol>-<period>/, from the directory the command was run in. */
export function outputDirectory(out: string | undefined, symbol: string, period: Period): string {
  return resolveInputPath(out ?? join('backtests', `${symbol}-${period.label}`));
}

function equityCsv(result: BacktestResult): string {
  return csvText(
    ['time', 'balance', 'drawdownPct'],
    result.equity.map((point) => [new Date(point.time).toISOString(), point.balance, point.drawdownPct]),
  );
}

/** Writes the files into `dir` (created if need be); answers their paths. */
export async function writeBacktestFiles(
  dir: string,
  result: BacktestResult,
  bars: BarColumns,
  settings: BacktestSettings,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Array<[name: string, text: string]> = [
    ['report.html', backtestReportHtml(result, settings, bars)],
    ['result.json', backtestReportJson(result)],
    ['trades.csv', tradesCsv(result.trades)],
    ['equity.csv', equityCsv(result)],
    ['settings.json', `${JSON.stringify(settings, null, 2)}\n`],
  ];
  await Promise.all(files.map(([name, text]) => writeFile(join(dir, name), text)));
  return files.map(([name]) => join(dir, name));
}
