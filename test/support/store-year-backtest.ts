// Run by test/integration/db/backtest-records.test.ts in a process with the worker's heap limits:
// holds as much heap as the worker holds of its own, backtests a year of synthetic gold as the
// worker's thread does, renders its report, and stores the result on a running row as the worker's
// activity does. Prints what was stored, compared with what was written, as JSON.
//   node [flags] test/support/store-year-backtest.ts <database url> <MB held>
import { isDeepStrictEqual } from 'node:util';
import { backtestReportHtml } from '../../backtest/report/html.ts';
import { runBacktest } from '../../backtest/run.ts';
import type { BacktestResult } from '../../backtest/types.ts';
import { syntheticBacktestBars } from '../../bots/backtest-bars.ts';
import { BacktestRecords } from '../../db/backtests.ts';
import type { BacktestSummary } from '../../db/entities/index.ts';
import { openOrm } from '../../db/orm.ts';
import { benchSettings, DAY_MS, FROM, SEED, SYMBOL, WARM_UP_BARS } from '../../bench/backtest/settings.ts';

const [databaseUrl, heldMb] = process.argv.slice(2);
if (databaseUrl === undefined || !(Number(heldMb) >= 0)) {
  throw new Error('usage: store-year-backtest.ts <database url> <MB held>');
}
// The worker's own heap (the Temporal SDK, the workflow bundle's sources, the ORM), as strings of
// 1 KB with their 16-byte header.
const held = Array.from({ length: Number(heldMb) * 1024 }, (_, i) => String(i).padEnd(1008, '.'));
const to = FROM + 365 * DAY_MS;
const settings = benchSettings(FROM, to);
const bars = syntheticBacktestBars(SYMBOL, SEED, { from: FROM, to }, WARM_UP_BARS);
const result = runBacktest(bars, settings);
const reportHtml = backtestReportHtml(result, settings, bars);
/** The row's summary: the result without its trades and equity curve, as the activity stores it. */
function summaryOf({ trades: _trades, equity: _equity, ...rest }: BacktestResult): BacktestSummary {
  return rest;
}
const { trades } = result;
const summary = summaryOf(result);

const orm = await openOrm(databaseUrl);
try {
  const records = new BacktestRecords(orm.em);
  const row = await records.create({ symbol: SYMBOL, botId: null, request: {} }, (id) => `store-year-${id}`);
  await records.running(row.id, settings);
  await records.completed(row.id, { barsTotal: result.bars, summary, trades, reportHtml });
  const stored = await records.findWith(row.id, 'reportHtml');
  const storedTrades = (await records.findWith(row.id, 'trades'))?.trades ?? [];
  console.log(
    JSON.stringify({
      status: stored?.status,
      reportEqual: stored?.reportHtml === reportHtml,
      reportChars: reportHtml.length,
      trades: storedTrades.length,
      tradesEqual: isDeepStrictEqual(storedTrades, JSON.parse(JSON.stringify(trades))),
      netPnl: stored?.summary?.overall.netPnl === summary.overall.netPnl,
      heldMb: held.length / 1024,
    }),
  );
} finally {
  await orm.close(true);
}
