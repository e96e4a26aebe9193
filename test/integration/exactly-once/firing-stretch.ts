// The stretch of a seeded synthetic market where the strategies fire most often, so a run of
// cycles stepping minute by minute through it places many orders.
import type { MarketFeed } from '../../../brokers/feeds/feed.ts';
import type { InstrumentSpec } from '../../../trading/market.ts';
import type { StrategyName } from '../../../trading/strategies/index.ts';
import { liveSignals } from '../../support/firing-minute.ts';

export interface FiringStretch {
  /** 30 s into the stretch's first minute: the clock of its first cycle. */
  start: number;
  /** Minutes of the stretch in which at least one strategy fires. */
  firingMinutes: number;
}

export function busiestStretch(
  feed: MarketFeed,
  instrument: InstrumentSpec,
  strategies: StrategyName[],
  lookback: number,
  searchFrom: number,
  searchMinutes: number,
  length: number,
): FiringStretch {
  const first = Math.floor(searchFrom / 60_000) * 60_000 + 30_000;
  const fires = Array.from({ length: searchMinutes }, (_, minute) => {
    return liveSignals(feed, instrument, strategies, lookback, first + minute * 60_000).length > 0 ? 1 : 0;
  });
  let best: FiringStretch = { start: first, firingMinutes: -1 };
  for (let offset = 0; offset + length <= searchMinutes; offset++) {
    const firingMinutes = fires.slice(offset, offset + length).reduce<number>((sum, fired) => sum + fired, 0);
    if (firingMinutes > best.firingMinutes) best = { start: first + offset * 60_000, firingMinutes };
  }
  return best;
}
