// Finds, in a seeded synthetic market, the latest minute before `before` whose last closed bar
// makes a strategy fire: integration tests set their clock there, so a real cycle has a signal.
import type { MarketFeed } from '../../brokers/feeds/feed.ts';
import { createSyntheticFeed } from '../../brokers/feeds/synthetic.ts';
import { paperInstruments } from '../../brokers/paper/index.ts';
import { lookbackFor } from '../../bots/settings.ts';
import { barsToFetch } from '../../trading/indicators/anchored-window.ts';
import type { InstrumentSpec } from '../../trading/market.ts';
import {
  runStrategies,
  strategyParamsSchema,
  type StrategyName,
  type StrategySignal,
} from '../../trading/strategies/index.ts';

export type SignalFilter = (signal: StrategySignal) => boolean;

/** The signals a live cycle at `now` computes for a bot with default parameters and this lookback. */
export function liveSignals(
  feed: MarketFeed,
  instrument: InstrumentSpec,
  strategies: StrategyName[],
  requestedLookback: number,
  now: number,
): StrategySignal[] {
  const params = strategyParamsSchema.parse({});
  const lookback = lookbackFor(requestedLookback, strategies, params);
  const bars = feed.closedBars(instrument.symbol, barsToFetch(lookback), now);
  return runStrategies(bars, strategies, params, instrument, lookback);
}

/** A signal whose SL and TP sit well outside the broker's stops level, so the risk checks can pass. */
export function clearOfStopsLevel(instrument: InstrumentSpec): SignalFilter {
  const minimum = 2 * instrument.stopsLevel * instrument.point;
  return (signal) =>
    [signal.stopLoss, signal.takeProfit].every(
      (level) => level === null || Math.abs(level - signal.entryPrice) >= minimum,
    );
}

export function findFiringMinute(
  feed: MarketFeed,
  instrument: InstrumentSpec,
  strategies: StrategyName[],
  lookback: number,
  before: number,
  accept: SignalFilter = () => true,
): { now: number; signal: StrategySignal } {
  for (let minute = Math.floor(before / 60_000) * 60_000, tries = 0; tries < 20_000; minute -= 60_000, tries++) {
    // 30 s into the minute: the bar of the minute before is the last closed one.
    const now = minute + 30_000;
    const [signal] = liveSignals(feed, instrument, strategies, lookback, now).filter(accept);
    if (signal) return { now, signal };
  }
  throw new Error(`no ${strategies.join('/')} signal in the 20000 minutes before ${new Date(before).toISOString()}`);
}

/** The paper broker's gold, as the engine's tests trade it. */
export const PAPER_GOLD = paperInstruments(100).find((spec) => spec.symbol === 'XAUUSDm')!;

/**
 * The latest minute before `before` at which pin_bar fires on the seeded synthetic gold feed the
 * paper broker of `feedSeed` serves; with `clear`, one whose SL and TP pass the stops-level check.
 */
export function pinBarMinute(
  feedSeed: number,
  before: number,
  options: { lookback: number; clear: boolean },
): { now: number; signal: StrategySignal } {
  const accept = options.clear ? clearOfStopsLevel(PAPER_GOLD) : undefined;
  return findFiringMinute(
    createSyntheticFeed({ seed: feedSeed }),
    PAPER_GOLD,
    ['pin_bar'],
    options.lookback,
    before,
    accept,
  );
}
