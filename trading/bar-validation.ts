// Validation of closed M1 bars before any strategy sees them: a bad candle from a broker
// must be rejected, not traded on.
import { z } from 'zod';
import type { Bar } from './market.ts';

export const BAR_MS = 60_000;

const price = z.number().finite().positive();

export const barSchema = z
  .object({
    openTime: z.number().int().nonnegative().multipleOf(BAR_MS),
    open: price,
    high: price,
    low: price,
    close: price,
    tickVolume: z.number().int().nonnegative(),
    spread: z.number().int().nonnegative(),
  })
  .refine((bar) => bar.high >= Math.max(bar.open, bar.close), { message: 'high below open or close' })
  .refine((bar) => bar.low <= Math.min(bar.open, bar.close), { message: 'low above open or close' });

/** A whole number from 0 to Number.MAX_SAFE_INTEGER (NaN fails every comparison). */
const isCount = (value: number): boolean =>
  value >= 0 && value <= Number.MAX_SAFE_INTEGER && Math.floor(value) === value;

/**
 * barSchema's rules in plain comparisons on a bar's fields: the fast path for long histories.
 * Prices: low > 0, high finite and open and close within [low, high] make all four finite and
 * positive, and NaN fails every comparison. The open time: a whole number of minutes, ≥ 0, at most
 * Number.MAX_SAFE_INTEGER (k × 60,000 for a whole k is a whole number, exact below 2^53).
 */
export function barFieldsValid(
  openTime: number,
  open: number,
  high: number,
  low: number,
  close: number,
  tickVolume: number,
  spread: number,
): boolean {
  return (
    openTime >= 0 &&
    openTime <= Number.MAX_SAFE_INTEGER &&
    Math.floor(openTime / BAR_MS) * BAR_MS === openTime &&
    low > 0 &&
    high < Infinity &&
    open >= low &&
    close >= low &&
    open <= high &&
    close <= high &&
    isCount(tickVolume) &&
    isCount(spread)
  );
}

/** barSchema's rules in plain arithmetic (a test holds them equal). */
export function isValidBar(bar: Bar): boolean {
  return barFieldsValid(bar.openTime, bar.open, bar.high, bar.low, bar.close, bar.tickVolume, bar.spread);
}

function isBarShaped(candidate: unknown): candidate is Bar {
  if (typeof candidate !== 'object' || candidate === null) return false;
  const fields = candidate as Record<string, unknown>;
  return ['openTime', 'open', 'high', 'low', 'close', 'tickVolume', 'spread'].every(
    (field) => typeof fields[field] === 'number',
  );
}

/** Every problem in a bar series (empty when valid): field errors, then order and uniqueness. */
export function barSeriesProblems(bars: readonly unknown[]): string[] {
  const problems: string[] = [];
  let previousTime = -Infinity;
  bars.forEach((candidate, index) => {
    if (!isBarShaped(candidate) || !isValidBar(candidate)) {
      const parsed = barSchema.safeParse(candidate);
      for (const issue of parsed.error?.issues ?? []) {
        problems.push(`bar ${index}${issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
      }
      return;
    }
    if (candidate.openTime <= previousTime) {
      problems.push(`bar ${index}: open time ${candidate.openTime} not after the previous bar's ${previousTime}`);
    }
    previousTime = candidate.openTime;
  });
  return problems;
}

export function isValidBarSeries(bars: readonly unknown[]): bars is Bar[] {
  return barSeriesProblems(bars).length === 0;
}
