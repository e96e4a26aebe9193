import fc from 'fast-check';
import type { InstrumentSpec, TradeSide } from '../../../trading/market.ts';
import { roundPrice, roundToStep } from '../../../trading/rounding.ts';
import { sizePosition, type SizedInstrument, type SizingInput } from '../../../trading/sizing.ts';
import { EURUSD, XAUUSD } from './fixtures.ts';

/** Issue 9's instrument: 3 digits, 0.001 tick worth 1 per lot, 0.001 lot steps, no commission. */
const THOUSANDTHS: InstrumentSpec = {
  ...XAUUSD,
  digits: 3,
  point: 0.001,
  tickSize: 0.001,
  volumeMin: 0.001,
  volumeStep: 0.001,
  commissionPerLot: 0,
};

/** Issue 9's trade: 0.5 % of 10 000, a gold buy at the ask of 2000.25 with its stop at 1997.13. */
const sized = (input: Partial<SizingInput> = {}) =>
  sizePosition({
    balance: 10_000,
    riskPerTradePct: 0.5,
    side: 'buy',
    quote: { bid: 2000.05, ask: 2000.25 },
    stopLoss: 1997.13,
    instrument: XAUUSD,
    ...input,
  });

describe('position sizing', () => {
  const euro = { quote: { bid: 1.0999, ask: 1.1 }, instrument: EURUSD, riskPerTradePct: 1 };
  it.each<[string, Partial<SizingInput>, number, number]>([
    // Commission-blind sizing chose 0.16 lots, which lose 49.92 + 1.12 = 51.04 at the stop.
    ['issue 9: a buy at 2000.25, SL 1997.13', {}, 0.15, 47.85],
    ['0.5 % of 10 000 over 3.00 from the ask', { quote: { bid: 1999.8, ask: 2000 }, stopLoss: 1997 }, 0.16, 49.12],
    // Was 0.5 lots before commission counted: 0.5 × (200 + 7) = 103.50 over the 100 budget.
    ['1 % of 10 000 over 20 pips on EURUSD', { ...euro, stopLoss: 1.098 }, 0.48, 99.36],
    [
      'a sell: from the bid up to a stop above',
      { ...euro, side: 'sell', quote: { bid: 1.1, ask: 1.1001 }, stopLoss: 1.102 },
      0.48,
      99.36,
    ],
    ['clamped to volumeMax', { ...euro, balance: 10_000_000, stopLoss: 1.099 }, 50, 5350],
    // A float stop distance of 4.0000000000191 ticks sized this at 1.249 lots.
    [
      'issue 9: 4 whole ticks, not 4.0000000000191',
      {
        balance: 100,
        riskPerTradePct: 5,
        quote: { bid: 384.794, ask: 384.796 },
        stopLoss: 384.792,
        instrument: THOUSANDTHS,
      },
      1.25,
      5,
    ],
  ])('%s', (_name, input, volume, loss) => {
    const size = sized(input);
    expect(size.tradable).toBe(true);
    expect(size.volume).toBe(volume);
    expect(size.lossAtStop?.total).toBeCloseTo(loss, 9);
    expect(size.lossAtStop!.total).toBeLessThanOrEqual(size.riskBudget);
  });

  it('reports the loss at the stop by component in its reason', () => {
    const size = sized();
    expect(size.lossAtStop).toEqual({
      volume: 0.15,
      price: expect.closeTo(46.8, 9),
      commission: expect.closeTo(1.05, 9),
      total: expect.closeTo(47.85, 9),
    });
    expect(size.reason()).toBe(
      '0.15 lots lose 47.85 at the stop, within the 50.00 budget: ' +
        '46.80 price over 312 ticks from the ask, 20 of them spread, + 1.05 round-trip commission',
    );
  });

  it('counts the spread paid at entry: a buy from the ask, a sell from the bid', () => {
    const quote = { bid: 2000, ask: 2000.3 };
    // The stop fires on the closing side (bid for a buy, ask for a sell), 270 ticks beyond it.
    const buy = sized({ riskPerTradePct: 1, quote, stopLoss: 1997.3 });
    const sell = sized({ riskPerTradePct: 1, side: 'sell', quote, stopLoss: 2003 });
    for (const size of [buy, sell]) {
      expect(size.riskPerLot).toBe(300 + 7);
      expect(size.volume).toBe(0.32);
    }
    expect(buy.reason()).toMatch(/over 300 ticks from the ask, 30 of them spread/);
    expect(sell.reason()).toMatch(/over 300 ticks from the bid, 30 of them spread/);
  });

  it('refuses, with the reason, when the budget buys less than the minimum volume', () => {
    const size = sized({ balance: 100, quote: { bid: 1999.8, ask: 2000 }, stopLoss: 1997 });
    expect(size).toMatchObject({ tradable: false, volume: 0 });
    expect(size.reason()).toMatch(
      /below the minimum 0.01: 307.00 per lot at the stop, 300.00 price .* \+ 7.00 round-trip/,
    );
    // What the smallest trade would lose, against the 0.50 budget.
    expect(size.lossAtStop?.total).toBeCloseTo(3.07, 9);
  });

  it('refuses a zero stop distance, commission or not', () => {
    const size = sized({ stopLoss: 2000.25 });
    expect(size).toMatchObject({ tradable: false, lossAtStop: null });
    expect(size.reason()).toMatch(/stop-loss distance is zero/);
  });
});

/** A random instrument on a decimal grid, as brokers report them. */
const instruments = fc
  .record({
    digits: fc.integer({ min: 0, max: 5 }),
    tickPoints: fc.constantFrom(1, 5, 10, 25),
    tickValue: fc.double({ min: 0.01, max: 50, noNaN: true }),
    volumeStep: fc.constantFrom(0.001, 0.01, 0.1, 1),
    minSteps: fc.integer({ min: 1, max: 10 }),
    maxSteps: fc.integer({ min: 0, max: 100_000 }),
    commissionPerLot: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 20, noNaN: true })),
  })
  .map(({ digits, tickPoints, tickValue, volumeStep, minSteps, maxSteps, commissionPerLot }) => {
    const point = Number((10 ** -digits).toFixed(digits));
    const instrument: SizedInstrument = {
      tickSize: roundToStep(tickPoints * point, point),
      tickValue,
      volumeMin: roundToStep(minSteps * volumeStep, volumeStep),
      volumeMax: roundToStep((minSteps + maxSteps) * volumeStep, volumeStep),
      volumeStep,
      commissionPerLot,
    };
    return instrument;
  });

describe('position sizing, for any instrument, price, spread, commission and stop', () => {
  it('loses at most the budget at the stop, and one more step would lose more (unless at the maximum)', () => {
    fc.assert(
      fc.property(
        instruments,
        fc.constantFrom<TradeSide>('buy', 'sell'),
        fc.integer({ min: 10_000, max: 10_000_000 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 10, max: 10_000_000, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        (instrument, side, bidTicks, spreadTicks, stopTicks, balance, riskPerTradePct) => {
          const tick = (ticks: number): number => roundPrice(ticks * instrument.tickSize, instrument);
          const quote = { bid: tick(bidTicks), ask: tick(bidTicks + spreadTicks) };
          // Beyond the price the position closes at: the bid for a buy, the ask for a sell.
          const stopLoss = side === 'buy' ? tick(bidTicks - stopTicks) : tick(bidTicks + spreadTicks + stopTicks);
          const size = sizePosition({ balance, riskPerTradePct, side, quote, stopLoss, instrument });

          // Filled at the ask (buy) or bid (sell), closed at the stop: the spread is lost too.
          const lossPerLot = (spreadTicks + stopTicks) * instrument.tickValue + 2 * instrument.commissionPerLot;
          const budget = (balance * riskPerTradePct) / 100;
          const { volume } = size;
          const steps = volume / instrument.volumeStep;
          expect(Math.abs(steps - Math.round(steps))).toBeLessThan(1e-6);
          // Within a billionth of the budget: the float error of the arithmetic, far below a cent.
          expect(volume * lossPerLot).toBeLessThanOrEqual(budget * (1 + 1e-9));
          if (size.tradable) {
            expect(volume).toBeGreaterThanOrEqual(instrument.volumeMin);
            expect(volume).toBeLessThanOrEqual(instrument.volumeMax);
            expect(size.lossAtStop?.total).toBeCloseTo(volume * lossPerLot, 6);
            const oneMore = roundToStep(volume + instrument.volumeStep, instrument.volumeStep);
            expect(oneMore * lossPerLot > budget || oneMore > instrument.volumeMax).toBe(true);
          } else {
            expect(volume).toBe(0);
            expect(instrument.volumeMin * lossPerLot).toBeGreaterThan(budget);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
