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

const isPrice = (value: number): boolean => Number.isFinite(value) && value > 0;
const isCount = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/** barSchema's rules in plain arithmetic on a bar's fields: the fast path for long histories. */
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
    Number.isSafeInteger(openTime) &&
    openTime >= 0 &&
    // Not `%`: a float remainder costs more than the rest of the check. A whole number of minutes
    // divides into an exact integer; any other safe integer leaves a fraction of at least 1/60000,
    // more than half an ulp of any quotient below 2^53 / 60000 (< 2^38), so it never rounds away.
    Number.isInteger(openTime / BAR_MS) &&
    isPrice(open) &&
    isPrice(high) &&
    isPrice(low) &&
    isPrice(close) &&
    isCount(tickVolume) &&
    isCount(spread) &&
    high >= Math.max(open, close) &&
    low <= Math.min(open, close)
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
