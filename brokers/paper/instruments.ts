// Symbol specifications the paper broker trades, modelled on Exness "m" (standard) symbols.
// Gold uses 2 digits (point 0.01, a 1 USD move = 100 points) so that spreads of 15–40 points
// read like a raw-spread gold account; the pip of gold is explicit: 0.1.
import type { InstrumentSpec } from '../../trading/market.ts';

/** Commission per lot per deal side of the paper account (a raw-spread account's). */
export const PAPER_COMMISSION_PER_LOT = 3.5;

export function paperInstruments(leverage: number, commissionPerLot = PAPER_COMMISSION_PER_LOT): InstrumentSpec[] {
  const marginRate = 1 / leverage;
  return [
    {
      symbol: 'XAUUSDm',
      digits: 2,
      point: 0.01,
      tickSize: 0.01,
      // 1 lot = 100 oz: one tick of 0.01 USD is worth 1 USD per lot.
      tickValue: 1,
      contractSize: 100,
      volumeMin: 0.01,
      volumeMax: 200,
      volumeStep: 0.01,
      stopsLevel: 20,
      freezeLevel: 0,
      fillingModes: ['FOK', 'IOC'],
      maxSpreadPoints: 50,
      pipSize: 0.1,
      marginRate,
      correlationGroup: 'gold',
      commissionPerLot,
    },
    {
      symbol: 'EURUSDm',
      digits: 5,
      point: 0.00001,
      tickSize: 0.00001,
      tickValue: 1,
      contractSize: 100_000,
      volumeMin: 0.01,
      volumeMax: 200,
      volumeStep: 0.01,
      stopsLevel: 10,
      freezeLevel: 0,
      fillingModes: ['FOK', 'IOC'],
      maxSpreadPoints: 20,
      pipSize: 0.0001,
      marginRate,
      correlationGroup: 'usd',
      commissionPerLot,
    },
  ];
}
