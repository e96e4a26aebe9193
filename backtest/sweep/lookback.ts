// The closed bars a sweep needs before its period: a swept period (an EMA's, say) can lengthen the
// strategies' window, and every point's must be warm from the first traded bar.
import { z } from 'zod';
import { lookbackFor } from '../../trading/strategies/lookback.ts';
import type { BacktestSettings } from '../types.ts';
import { SweepGridError } from './grid.ts';
import { applySweepPoint, describePoint, type SweepPoint } from './point.ts';

type LookbackBase = Pick<BacktestSettings, 'lookback' | 'enabledStrategies' | 'strategyParams' | 'riskSettings'>;

const lookbackOf = (run: LookbackBase) => lookbackFor(run.lookback, run.enabledStrategies, run.strategyParams);

/**
 * The longest lookback of the base and its points. A point whose strategies need more bars than a
 * window may hold is refused with a SweepGridError naming it.
 */
export function longestLookback(settings: LookbackBase, points: readonly SweepPoint[]): number {
  let longest = lookbackOf(settings);
  for (const point of points) {
    try {
      longest = Math.max(longest, lookbackOf(applySweepPoint(settings, point)));
    } catch (error) {
      if (!(error instanceof z.ZodError)) throw error;
      throw new SweepGridError(null, `point ${describePoint(point)}`, error.issues[0]?.message ?? error.message);
    }
  }
  return longest;
}
