// The market the paper trade server runs in (feed, instruments, session, costs) and which side of the book trades take.
import type { InstrumentSpec } from '../../trading/market.ts';
import type { MarketFeed } from '../feeds/feed.ts';
import type { Side } from '../port.ts';
import type { TradingSession } from './session.ts';
import type { StopsPriority } from './stops.ts';

export interface SlippageOptions {
  /** Adverse slippage on every fill, in points. */
  points: number;
  /** Extra adverse slippage drawn (seeded) uniformly from 0..jitterPoints on every fill. */
  jitterPoints: number;
}

/** The market the paper trade server runs in: configuration, not state. */
export interface PaperMarket {
  feed: MarketFeed;
  instruments: ReadonlyMap<string, InstrumentSpec>;
  session: TradingSession;
  slippage: SlippageOptions;
  /** Commission per lot per deal (each side), in account currency. */
  commissionPerLot: number;
  stopsPriority: StopsPriority;
  seed: number;
}

export function opposite(side: Side): Side {
  return side === 'buy' ? 'sell' : 'buy';
}
