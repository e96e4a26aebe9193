// Automatic kill-switch maths: unrealised P&L of open positions and whether the loss has
// reached killSwitchMaxUnrealizedPct of the balance.
import type { InstrumentSpec, Quote, TradeSide } from './market.ts';
import { CompensatedSum } from './compensated-sum.ts';

/** How the automatic kill-switch's pause of a bot's schedule begins: only a resume that says so lifts it. */
export const AUTOMATIC_KILL_SWITCH_NOTE = 'automatic kill-switch: ';

/** The automatic kill-switch's note for a trip, as its pause and its audit carry it. */
export function killSwitchNote(reason: string): string {
  return `${AUTOMATIC_KILL_SWITCH_NOTE}${reason}`;
}

export interface MarkedPosition {
  side: TradeSide;
  volume: number;
  openPrice: number;
  /** The position's own symbol's quote and spec: a bot may be asked about several symbols. */
  quote: Quote;
  instrument: Pick<InstrumentSpec, 'tickSize' | 'tickValue'>;
}

export interface KillSwitchState {
  unrealizedPnl: number;
  /** Unrealised loss as a percent of the balance (0 when in profit). */
  lossPct: number;
  limitPct: number;
  breached: boolean;
}

/**
 * Money P&L if the position closed now: a buy at the bid, a sell at the ask. Prices sit on the
 * tick grid, so the move is counted in whole ticks, free of float noise.
 */
export function unrealizedPnl(position: MarkedPosition): number {
  const move =
    position.side === 'buy' ? position.quote.bid - position.openPrice : position.openPrice - position.quote.ask;
  const ticks = Math.round(move / position.instrument.tickSize);
  return ticks * position.instrument.tickValue * position.volume;
}

export function killSwitchState(
  positions: readonly MarkedPosition[],
  balance: number,
  maxUnrealizedLossPct: number,
): KillSwitchState {
  const sum = new CompensatedSum();
  for (const position of positions) sum.add(unrealizedPnl(position));
  const pnl = sum.value;
  const lossPct = pnl < 0 && balance > 0 ? (-pnl / balance) * 100 : 0;
  return {
    unrealizedPnl: pnl,
    lossPct,
    limitPct: maxUnrealizedLossPct,
    // A loss with no positive balance left is always a breach.
    breached: pnl < 0 && (balance <= 0 || lossPct >= maxUnrealizedLossPct),
  };
}
