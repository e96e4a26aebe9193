// Suggested stop-loss and take-profit of a strategy, on the instrument's tick grid.
import type { InstrumentSpec, TradeSide } from '../market.ts';
import { pipsToPrice, roundPrice } from '../rounding.ts';

/** Stop beyond a price extreme (below it for a buy, above it for a sell) by a pip buffer. */
export function stopBeyond(
  extreme: number,
  direction: TradeSide,
  bufferPips: number,
  instrument: InstrumentSpec,
): number {
  const buffer = pipsToPrice(bufferPips, instrument);
  return roundPrice(direction === 'buy' ? extreme - buffer : extreme + buffer, instrument);
}

/** Target `rewardRisk` times the entry-to-stop distance away from the entry, in the trade's direction. */
export function targetAtRewardRisk(
  entry: number,
  stopLoss: number,
  direction: TradeSide,
  rewardRisk: number,
  instrument: InstrumentSpec,
): number {
  const reward = Math.abs(entry - stopLoss) * rewardRisk;
  return roundPrice(direction === 'buy' ? entry + reward : entry - reward, instrument);
}
