// A backtest's trades as CSV, one row per trade, oldest first; times ISO-8601 UTC: the CLI's
// trades.csv and GET /backtests/:id/trades.csv.
import { csvText } from './csv-text.ts';
import type { BacktestTrade } from './types.ts';

const COLUMNS = [
  'positionId',
  'strategy',
  'side',
  'volume',
  'openTime',
  'openPrice',
  'stopLoss',
  'takeProfit',
  'closeTime',
  'closePrice',
  'closeReason',
  'commission',
  'profit',
  'pnl',
] as const satisfies ReadonlyArray<keyof BacktestTrade>;

const TIMES = new Set<string>(['openTime', 'closeTime']);

export function tradesCsv(trades: readonly BacktestTrade[]): string {
  const rows = trades.map((trade) =>
    COLUMNS.map((column) => {
      const value = trade[column];
      return TIMES.has(column) ? new Date(value as number).toISOString() : value;
    }),
  );
  return csvText(COLUMNS, rows);
}
