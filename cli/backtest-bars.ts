// The bars a CLI backtest runs over, from the synthetic feed, the imported bars in the database or
// an MT5 CSV file: `warmUp` bars before the period (the indicators converge on them, as a live bot's
// lookback would), every bar of the period, and the first bar after it (the last cycle's quote).
import { barColumnsOf, type BarColumns } from '../trading/bar-columns.ts';
import { barColumnsProblems, barsInPeriod } from '../backtest/bar-columns.ts';
import { decodeMt5File, Mt5CsvError, parseMt5Csv } from '../brokers/feeds/mt5-csv.ts';
import { type ServerClock, serverClockText } from '../brokers/feeds/server-clock.ts';
import { barsAround, storedBacktestBars, syntheticBacktestBars } from '../bots/backtest-bars.ts';
import type { Orm } from '../db/orm.ts';
import type { Bar } from '../trading/market.ts';
import { BacktestOptionError } from './backtest-option-error.ts';
import type { BarSource } from './backtest-options.ts';
import type { Period } from './backtest-period.ts';
import { InputFileError, readInputFile } from './input-file.ts';

export interface BacktestBars {
  columns: BarColumns;
  /** Bars opening in the period: the ones traded. */
  traded: number;
  /** Where they came from, as the summary says it. */
  description: string;
}

async function csvBars(file: string, serverClock: ServerClock, period: Period, warmUp: number): Promise<Bar[]> {
  try {
    const text = decodeMt5File(await readInputFile(file));
    return barsAround(parseMt5Csv(text, { serverClock }), period, warmUp);
  } catch (error) {
    if (error instanceof InputFileError || error instanceof Mt5CsvError)
      throw new BacktestOptionError(`--csv ${file}: ${error.message}`);
    throw error;
  }
}

/** Where an error about the bars points: the option that chose them. */
function sourceOption(source: BarSource): string {
  return source.kind === 'csv' ? `--csv ${source.file}` : `--source ${source.kind}`;
}

function noBars(source: BarSource, symbol: string, period: Period): BacktestOptionError {
  const range = `[${new Date(period.from).toISOString()}, ${new Date(period.to).toISOString()})`;
  if (source.kind === 'csv') return new BacktestOptionError(`${sourceOption(source)}: no bars in ${range}`);
  return new BacktestOptionError(
    `${sourceOption(source)}: no ${symbol} bars in ${range}: import an MT5 export with \`scalper import-bars\`, or use --source synthetic`,
  );
}

/** `orm` is needed for the database source only. */
export async function loadBacktestBars(
  source: BarSource,
  request: { symbol: string; period: Period; warmUp: number; seed: number; orm: Orm | null },
): Promise<BacktestBars> {
  const { symbol, period, warmUp } = request;
  let columns: BarColumns;
  let description: string;
  if (source.kind === 'synthetic') {
    columns = syntheticBacktestBars(symbol, request.seed, period, warmUp);
    description = `synthetic feed, seed ${request.seed}`;
  } else if (source.kind === 'database') {
    if (request.orm === null) throw new Error('the database source needs a database connection');
    columns = await storedBacktestBars(request.orm, symbol, period, warmUp);
    description = 'imported bars (database)';
  } else {
    columns = barColumnsOf(await csvBars(source.file, source.serverClock, period, warmUp));
    description = `MT5 export ${source.file}, server times read as ${serverClockText(source.serverClock)}`;
  }
  // Refused here, naming the source, rather than by the engine once the run has started; checked
  // first, as the period's bars are counted by a search that needs them in order.
  const problems = source.kind === 'synthetic' ? [] : barColumnsProblems(columns);
  if (problems.length > 0)
    throw new BacktestOptionError(`${sourceOption(source)}: invalid bars: ${problems.slice(0, 3).join('; ')}`);
  const traded = barsInPeriod(columns.openTime, period);
  if (traded === 0) throw noBars(source, symbol, period);
  return { columns, traded, description };
}
