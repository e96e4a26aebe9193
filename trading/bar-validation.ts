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

/** Every problem in a bar series (empty when valid): field errors, then order and uniqueness. */
export function barSeriesProblems(bars: readonly unknown[]): string[] {
  const problems: string[] = [];
  let previousTime = -Infinity;
  bars.forEach((candidate, index) => {
    const parsed = barSchema.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push(`bar ${index}${issue.path.length > 0 ? `.${issue.path.join('.')}` : ''}: ${issue.message}`);
      }
      return;
    }
    if (parsed.data.openTime <= previousTime) {
      problems.push(`bar ${index}: open time ${parsed.data.openTime} not after the previous bar's ${previousTime}`);
    }
    previousTime = parsed.data.openTime;
  });
  return problems;
}

export function isValidBarSeries(bars: readonly unknown[]): bars is Bar[] {
  return barSeriesProblems(bars).length === 0;
}
