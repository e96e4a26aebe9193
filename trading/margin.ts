// Margin an order needs, in account currency. The margin rate is the broker's margin of one lot
// over the lot's notional in the quote currency: the mt5-gateway and MetaApi adapters compute it
// from the margin the broker quotes in account currency, so the conversion (USD-quoted gold on a
// EUR account) is in the rate. Only the 1 / leverage fallback assumes the account currency is the
// quote currency.
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
