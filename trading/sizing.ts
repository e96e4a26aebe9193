// Position size from risk: the volume whose loss at the stop is at most riskPerTradePct of
// the balance, on the broker's volume grid.
import type { InstrumentSpec } from './market.ts';
import { roundVolumeDown } from './rounding.ts';

export interface SizingInput {
  balance: number;
  riskPerTradePct: number;
  entryPrice: number;
  stopLoss: number;
  instrument: Pick<InstrumentSpec, 'tickSize' | 'tickValue' | 'volumeMin' | 'volumeMax' | 'volumeStep'>;
}

export interface PositionSize {
  /** Lots to trade; 0 when not tradable. */
  volume: number;
  tradable: boolean;
  reason: string;
  /** Money the trade may lose at the stop: riskPerTradePct of the balance. */
  riskBudget: number;
  /** Money lost at the stop per 1 lot. */
  riskPerLot: number;
  /** Volume that exactly spends the budget, before rounding and clamping. */
  exactVolume: number;
}

/** Money lost per 1 lot if the price moves `distance` against the position. */
export function moneyPerLot(distance: number, instrument: Pick<InstrumentSpec, 'tickSize' | 'tickValue'>): number {
  return (distance / instrument.tickSize) * instrument.tickValue;
}

export function sizePosition(input: SizingInput): PositionSize {
  const { instrument } = input;
  const riskBudget = (input.balance * input.riskPerTradePct) / 100;
  const riskPerLot = moneyPerLot(Math.abs(input.entryPrice - input.stopLoss), instrument);
  const untradable = (reason: string, exactVolume = 0): PositionSize => ({
    volume: 0,
    tradable: false,
    reason,
    riskBudget,
    riskPerLot,
    exactVolume,
  });
  if (!(riskPerLot > 0) || !Number.isFinite(riskPerLot))
    return untradable('stop-loss distance is zero, risk cannot be sized');
  if (!(riskBudget > 0)) return untradable(`risk budget ${riskBudget.toFixed(2)} is not positive`);

  const exactVolume = riskBudget / riskPerLot;
  const volume = Math.min(roundVolumeDown(exactVolume, instrument), roundVolumeDown(instrument.volumeMax, instrument));
  if (volume < instrument.volumeMin) {
    return untradable(
      `risk budget ${riskBudget.toFixed(2)} over ${riskPerLot.toFixed(2)} per lot allows ${exactVolume.toPrecision(3)} lots, below the minimum ${instrument.volumeMin}`,
      exactVolume,
    );
  }
  const clamped =
    volume < roundVolumeDown(exactVolume, instrument) ? ` (clamped to the maximum ${instrument.volumeMax})` : '';
  return {
    volume,
    tradable: true,
    reason: `${volume} lots risk ${(volume * riskPerLot).toFixed(2)} of a ${riskBudget.toFixed(2)} budget${clamped}`,
    riskBudget,
    riskPerLot,
    exactVolume,
  };
}
