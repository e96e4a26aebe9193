import fc from 'fast-check';
import { moneyPerLot, sizePosition } from '../../../trading/sizing.ts';
import { EURUSD, XAUUSD } from './fixtures.ts';

describe('position sizing', () => {
  it.each([
    ['0.5 % of 10 000 over a 3.00 stop on gold', 10_000, 0.5, 2000, 1997, XAUUSD, 0.16],
    ['1 % of 10 000 over a 20-pip stop on EURUSD', 10_000, 1, 1.1, 1.098, EURUSD, 0.5],
    ['a sell: stop above the entry', 10_000, 1, 1.1, 1.102, EURUSD, 0.5],
    ['clamped to volumeMax', 10_000_000, 1, 1.1, 1.099, EURUSD, 50],
  ])('%s', (_name, balance, riskPerTradePct, entryPrice, stopLoss, instrument, volume) => {
    const size = sizePosition({ balance, riskPerTradePct, entryPrice, stopLoss, instrument });
    expect(size.tradable).toBe(true);
    expect(size.volume).toBe(volume);
  });

  it('refuses, with the reason, when the budget buys less than the minimum volume', () => {
    const size = sizePosition({
      balance: 100,
      riskPerTradePct: 0.5,
      entryPrice: 2000,
      stopLoss: 1997,
      instrument: XAUUSD,
    });
    expect(size).toMatchObject({ tradable: false, volume: 0 });
    expect(size.reason).toMatch(/below the minimum 0.01/);
  });

  it('refuses a zero stop distance', () => {
    const size = sizePosition({
      balance: 10_000,
      riskPerTradePct: 1,
      entryPrice: 2000,
      stopLoss: 2000,
      instrument: XAUUSD,
    });
    expect(size.tradable).toBe(false);
    expect(size.reason).toMatch(/stop-loss distance is zero/);
  });

  it('never risks more than the budget, trades a multiple of the step, and wastes less than a step', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 10, max: 1_000_000, noNaN: true }),
        fc.double({ min: 0.05, max: 5, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom(0.01, 0.1, 1),
        (balance, riskPerTradePct, stopTicks, volumeStep) => {
          const instrument = { ...XAUUSD, volumeStep, volumeMin: volumeStep, volumeMax: 500 };
          const entryPrice = 2000;
          const size = sizePosition({
            balance,
            riskPerTradePct,
            entryPrice,
            stopLoss: entryPrice - stopTicks * 0.01,
            instrument,
          });
          const budget = (balance * riskPerTradePct) / 100;
          const risked = size.volume * moneyPerLot(stopTicks * 0.01, instrument);
          expect(risked).toBeLessThanOrEqual(budget * (1 + 1e-9));
          const steps = size.volume / volumeStep;
          expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-6);
          if (size.tradable) {
            expect(size.volume).toBeGreaterThanOrEqual(instrument.volumeMin);
            const oneMoreStep = (size.volume + volumeStep) * moneyPerLot(stopTicks * 0.01, instrument);
            expect(oneMoreStep > budget || size.volume + volumeStep > instrument.volumeMax).toBe(true);
          }
        },
      ),
    );
  });
});
