import fc from 'fast-check';
import {
  decimalsOf,
  pipsToPrice,
  pointsToPrice,
  priceToPips,
  priceToPoints,
  roundDownToStep,
  roundPrice,
  roundPriceDown,
  roundPriceUp,
  roundVolumeDown,
  spreadPoints,
  ticksBetween,
} from '../../../trading/rounding.ts';
import { EURUSD, XAUUSD } from './fixtures.ts';

// A millionth of a step: far below any real off-grid error, above the float noise of value / step.
/** The quotient of two doubles is off by a few ulps: at 1e10 steps that is ~1e-6 of a step. */
const isMultiple = (value: number, step: number): boolean => {
  const steps = value / step;
  return Math.abs(steps - Math.round(steps)) <= Math.max(1e-9, 8 * Number.EPSILON * Math.abs(steps));
};

describe('rounding', () => {
  it.each([
    [0.01, 2],
    [0.25, 2],
    [1e-5, 5],
    [0.00001, 5],
    [1, 0],
    [5, 0],
    [0.1, 1],
  ])('decimalsOf(%p) = %p', (step, decimals) => {
    expect(decimalsOf(step)).toBe(decimals);
  });

  it.each([
    ['0.1 + 0.2 → 0.3 on a 0.1 grid', 0.1 + 0.2, 0.1, 0.3],
    ['0.3 stays 0.3 (0.3 / 0.1 = 2.9999…)', 0.3, 0.1, 0.3],
    ['1.15 on a 0.05 grid', 1.15, 0.05, 1.15],
    ['0.019 down to 0.01', 0.019, 0.01, 0.01],
    ['7.0 on a 0.01 grid', 7, 0.01, 7],
    ['1.25 on a 0.001 grid', 5 / 4, 0.001, 1.25],
  ])('volume %s', (_name, value, step, expected) => {
    expect(roundDownToStep(value, step)).toBe(expected);
  });

  it('forgives float error that grows with the number of steps', () => {
    // 1000000.19 / 0.01 = 100000018.99999999: a fixed 1e-9 step tolerance rounded it down a tick.
    expect(roundPriceDown(1_000_000.19, XAUUSD)).toBe(1_000_000.19);
    expect(roundPriceUp(1_000_000.19, XAUUSD)).toBe(1_000_000.19);
    expect(roundPriceDown(50_000.00004, EURUSD)).toBe(50_000.00004);
  });

  it('counts whole ticks between prices on the grid', () => {
    // 384.796 − 384.792 = 0.0040000000000191 in floats.
    expect(ticksBetween(384.796, 384.792, { tickSize: 0.001 })).toBe(4);
    expect(ticksBetween(1997.13, 2000.25, XAUUSD)).toBe(312);
    expect(ticksBetween(100.25, 101.5, { tickSize: 0.25 })).toBe(5);
  });

  it('rounds prices to the nearest tick, or down/up on request', () => {
    expect(roundPrice(2000.126, XAUUSD)).toBe(2000.13);
    expect(roundPriceDown(2000.129, XAUUSD)).toBe(2000.12);
    expect(roundPriceUp(2000.121, XAUUSD)).toBe(2000.13);
    expect(roundPrice(1.234567, EURUSD)).toBe(1.23457);
    expect(roundPrice(100.3, { tickSize: 0.25 })).toBe(100.25);
  });

  it('converts between price, points and pips with explicit pip sizes', () => {
    expect(pointsToPrice(30, XAUUSD)).toBeCloseTo(0.3, 12);
    expect(priceToPoints(0.3, XAUUSD)).toBeCloseTo(30, 9);
    expect(pipsToPrice(30, XAUUSD)).toBeCloseTo(3, 12);
    expect(priceToPips(3, XAUUSD)).toBeCloseTo(30, 9);
    expect(pipsToPrice(15, EURUSD)).toBeCloseTo(0.0015, 12);
    expect(spreadPoints(1.1, 1.10012, EURUSD)).toBe(12);
  });

  const tickSizes = fc.constantFrom(0.01, 0.25, 0.00001, 0.001, 0.5, 1, 0.05);

  it('rounded prices are multiples of the tick size, within half a tick', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.0001, max: 100_000, noNaN: true }), tickSizes, (price, tickSize) => {
        const rounded = roundPrice(price, { tickSize });
        expect(isMultiple(rounded, tickSize)).toBe(true);
        expect(Math.abs(rounded - price)).toBeLessThanOrEqual(tickSize / 2 + 1e-9 * Math.max(1, price));
      }),
    );
  });

  it('volumes round down to a multiple of the step, never up', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.constantFrom(0.01, 0.1, 1, 0.001),
        (volume, volumeStep) => {
          const rounded = roundVolumeDown(volume, { volumeStep });
          expect(isMultiple(rounded, volumeStep)).toBe(true);
          expect(rounded).toBeLessThanOrEqual(volume + 1e-9 * volumeStep);
          expect(volume - rounded).toBeLessThan(volumeStep);
        },
      ),
    );
  });
});
