// Numbers and times as a trader reads them. A null statistic (profit factor without a loss, a
// win rate without trades) is undefined, not zero: it shows as a dash.
import type { CostModel } from '../types.ts';

const MISSING = '—';

interface NumberFormats {
  money2: Intl.NumberFormat;
  whole: Intl.NumberFormat;
}
let numberFormats: NumberFormats | undefined;

/**
 * Built at first use, not at import: the first Intl formatter of a process loads ICU's data
 * (~25 ms by profile), which every CLI command would otherwise pay, `--help` included.
 */
function formats(): NumberFormats {
  numberFormats ??= {
    money2: new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    whole: new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }),
  };
  return numberFormats;
}

/** 1234.5 → "1,234.50"; −3 → "-3.00". */
export function formatMoney(value: number | null): string {
  return value === null ? MISSING : formats().money2.format(value);
}

/** A P&L with its sign: 12.3 → "+12.30", −4 → "-4.00". */
export function formatSignedMoney(value: number): string {
  return value > 0 ? `+${formats().money2.format(value)}` : formats().money2.format(value);
}

/** A value already in percent: 12.345 → "12.35%". */
export function formatPercent(value: number | null): string {
  return value === null ? MISSING : `${formats().money2.format(value)}%`;
}

/** A share 0–1 as a percent: 0.4 → "40.00%". */
export function formatShare(value: number | null): string {
  return value === null ? MISSING : formatPercent(value * 100);
}

/** A plain ratio (profit factor): 1.5 → "1.50". */
export function formatRatio(value: number | null): string {
  return value === null ? MISSING : formats().money2.format(value);
}

export function formatCount(value: number): string {
  return formats().whole.format(value);
}

/** UTC epoch ms → "2026-01-05 14:30 UTC". */
export function formatUtcMinute(time: number): string {
  return `${new Date(time).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The cost model in words: commission, spread, slippage, and which stop a bar reaching both fills. */
export function costsText(costs: CostModel): string {
  const spread = costs.spreadPoints === null ? "each bar's own" : `${costs.spreadPoints} points`;
  const jitter = costs.slippageJitterPoints > 0 ? ` + 0–${costs.slippageJitterPoints} (seeded)` : '';
  const stops = costs.stopsPriority === 'sl_first' ? 'SL first' : 'along the OHLC path';
  return `commission ${formatMoney(costs.commissionPerLot)}/lot/side; spread ${spread}; slippage ${costs.slippagePoints}${jitter} points; a bar reaching SL and TP fills ${stops}`;
}
