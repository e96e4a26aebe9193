// Margin an order needs. Assumes the account currency is the instrument's quote currency
// (true for XAUUSD, EURUSD… on a USD account); other pairs need a conversion rate first.
import type { InstrumentSpec } from './market.ts';

/** The instrument's margin rate, or 1 / leverage when the broker reports none (MT5 often reports 0). */
export function effectiveMarginRate(instrument: Pick<InstrumentSpec, 'marginRate'>, leverage: number): number {
  return instrument.marginRate > 0 ? instrument.marginRate : 1 / leverage;
}

export function requiredMargin(
  volume: number,
  price: number,
  instrument: Pick<InstrumentSpec, 'contractSize' | 'marginRate'>,
  leverage: number,
): number {
  return volume * instrument.contractSize * price * effectiveMarginRate(instrument, leverage);
}
