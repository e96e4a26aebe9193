import { pinBar, pinBarParamsSchema } from '../../../../trading/strategies/pin-bar.ts';
import { bars, mirror } from '../fixtures.ts';
import { evaluate } from './run.ts';

const defaults = pinBarParamsSchema.parse({});
type Ohlc = readonly [number, number, number, number];

// A bearish prior bar (range 1.5), then a hammer: body 0.2 of a 1.9 range at the top,
// nose 1.5 below the prior low (0.79 of its range).
const PRIOR: Ohlc = [2000.5, 2001, 1999.5, 1999.8];
const HAMMER: Ohlc = [1999.6, 1999.9, 1998, 1999.8];
const PIVOT = 2000;

describe('pin bar', () => {
  it('has the documented defaults', () => {
    expect(defaults).toEqual({
      maxBodyRatio: 0.33,
      bodyZone: 0.4,
      minNoseProtrusion: 0.5,
      requireOppositePriorBar: true,
      stopBufferPips: 1,
      rewardRisk: 1.5,
    });
  });

  it('fires a buy on a hammer after a bearish bar, with SL beyond the nose and the deciding features', () => {
    const hit = evaluate(pinBar, bars([PRIOR, HAMMER]), defaults);
    expect(hit).not.toBeNull();
    expect(hit!.direction).toBe('buy');
    expect(hit!.entryPrice).toBe(1999.8);
    expect(hit!.stopLoss).toBe(1997.9);
    expect(hit!.takeProfit).toBe(2002.65);
    expect(hit!.features.bodyRatio).toBeCloseTo(0.2 / 1.9, 9);
    expect(hit!.features.noseRatio).toBeCloseTo(1.6 / 1.9, 9);
    expect(hit!.features.protrusionRatio).toBeCloseTo(1.5 / 1.9, 9);
    expect(hit!.features.rangePips).toBeCloseTo(19, 9);
    expect(hit!.score).toBeGreaterThan(0);
    expect(hit!.score).toBeLessThan(1);
  });

  it('fires the mirror-image sell with the same score', () => {
    const buy = evaluate(pinBar, bars([PRIOR, HAMMER]), defaults)!;
    const sell = evaluate(pinBar, mirror(bars([PRIOR, HAMMER]), PIVOT), defaults);
    expect(sell).not.toBeNull();
    expect(sell!.direction).toBe('sell');
    expect(sell!.stopLoss).toBe(2002.1);
    expect(sell!.takeProfit).toBe(1997.35);
    expect(sell!.score).toBeCloseTo(buy.score, 9);
    expect(sell!.features.protrusionRatio).toBeCloseTo(buy.features.protrusionRatio!, 9);
  });

  it('scores a cleaner pin higher', () => {
    const textbook: Ohlc = [1999.88, 1999.9, 1998, 1999.9];
    const plain = evaluate(pinBar, bars([PRIOR, HAMMER]), defaults)!;
    const clean = evaluate(pinBar, bars([PRIOR, textbook]), defaults)!;
    expect(clean.score).toBeGreaterThan(plain.score);
  });

  it.each<[string, Ohlc[]]>([
    ['body 0.34 of the range', [PRIOR, [1999.254, 1999.9, 1998, 1999.9]]],
    ['body outside the top 40 %', [PRIOR, [1999.0, 1999.9, 1998, 1999.2]]],
    ['nose protruding only 0.487 of the range', [PRIOR, [1999.6, 1999.9, 1999.12, 1999.8]]],
    ['prior bar the same colour', [[1999.8, 2001, 1999.5, 2000.5], HAMMER]],
    ['prior bar a doji (no colour)', [[2000, 2001, 1999.5, 2000], HAMMER]],
    ['a flat bar', [PRIOR, [1999, 1999, 1999, 1999]]],
    ['only one bar', [HAMMER]],
  ])('does not fire with %s', (_name, ohlc) => {
    expect(evaluate(pinBar, bars(ohlc), defaults)).toBeNull();
    expect(evaluate(pinBar, mirror(bars(ohlc), PIVOT), defaults)).toBeNull();
  });

  it('honours its parameters', () => {
    const sameColourPrior = bars([[1999.8, 2001, 1999.5, 2000.5], HAMMER]);
    expect(evaluate(pinBar, sameColourPrior, { ...defaults, requireOppositePriorBar: false })?.direction).toBe('buy');
    expect(evaluate(pinBar, bars([PRIOR, HAMMER]), { ...defaults, minNoseProtrusion: 0.8 })).toBeNull();
    expect(evaluate(pinBar, bars([PRIOR, HAMMER]), { ...defaults, maxBodyRatio: 0.1 })).toBeNull();
  });
});
