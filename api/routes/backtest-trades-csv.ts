// A backtest's trades as CSV (RFC 4180), one row per trade, oldest first; times ISO-8601 UTC.
import type { BacktestTrade } from '../../backtest/types.ts';

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

function field(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function tradesCsv(trades: readonly BacktestTrade[]): string {
  const rows = trades.map((trade) =>
    COLUMNS.map((column) => {
      const value = trade[column];
      return field(TIMES.has(column) ? new Date(value as number).toISOString() : value);
    }).join(','),
  );
  return [COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
