import { pinBar, pinBarParamsSchema } from '../../../../trading/strategies/pin-bar.ts';
import { bars, mirror } from '../fixtures.ts';
import { evaluate, longAndShort } from './run.ts';

const defaults = pinBarParamsSchema.parse({});
type Ohlc = readonly [number, number, number, number];

// A bearish previous bar (range 2.2, body 1.6), then a hammer: body 0.2 of a 2.1 range near its
// top and inside the previous range, nose 1.2 (0.57 of its range) below the previous low, the
// previous high 1.3 (0.59 of its range) above the hammer's. Mirrored around 2000 for the sells.
const PRIOR: Ohlc = [2001.0, 2001.2, 1999.0, 1999.4];
const HAMMER: Ohlc = [1999.6, 1999.9, 1997.8, 1999.8];
const PIVOT = 2000;

describe('pin bar (EarnForex Pinbar Detector v1.03)', () => {
  it('has v1.03’s default inputs and the project’s exits', () => {
    expect(defaults).toEqual({
      maxBodyRatio: 0.33,
      bodyZone: 0.4,
      minNoseProtrusion: 0.5,
      requireOppositePriorBar: true,
      requireSameDirectionPin: false,
      minPriorBodyRatio: 0.1,
      maxBodyToPriorBody: 1,
      minRangeToPriorRange: 0,
      minPriorDepth: 0.1,
      requireBodyInsidePriorBody: false,
      minRangePoints: 1,
      stopBufferPips: 1,
      takeProfitAt: 'reward_risk',
      rewardRisk: 1.5,
    });
  });

  it('fires a buy on the textbook hammer: SL behind the nose, TP at 1.5 R, the deciding features', () => {
    const hit = evaluate(pinBar, bars([PRIOR, HAMMER]), defaults)!;
    expect(hit).toMatchObject({ direction: 'buy', entryPrice: 1999.8, stopLoss: 1997.7, takeProfit: 2002.95 });
    expect(hit.features.bodyRatio).toBeCloseTo(0.2 / 2.1, 9);
    expect(hit.features.noseRatio).toBeCloseTo(1.8 / 2.1, 9);
    expect(hit.features.protrusionRatio).toBeCloseTo(1.2 / 2.1, 9);
    expect(hit.features.priorBodyRatio).toBeCloseTo(1.6 / 2.2, 9);
    expect(hit.features.bodyToPriorBody).toBeCloseTo(0.2 / 1.6, 9);
    expect(hit.features.priorDepthRatio).toBeCloseTo(1.3 / 2.2, 9);
    expect(hit.features.rangePips).toBeCloseTo(21, 9);
    expect(hit.score).toBeGreaterThan(0);
    expect(hit.score).toBeLessThan(1);
  });

  it('fires the mirror-image sell with the same score', () => {
    const buy = evaluate(pinBar, bars([PRIOR, HAMMER]), defaults)!;
    const sell = evaluate(pinBar, mirror(bars([PRIOR, HAMMER]), PIVOT), defaults)!;
    expect(sell).toMatchObject({ direction: 'sell', entryPrice: 2000.2, stopLoss: 2002.3, takeProfit: 1997.05 });
    expect(sell.score).toBeCloseTo(buy.score, 9);
    expect(sell.features.protrusionRatio).toBeCloseTo(buy.features.protrusionRatio!, 9);
  });

  it('scores a cleaner pin higher', () => {
    const plain = evaluate(pinBar, bars([PRIOR, HAMMER]), defaults)!;
    const clean = evaluate(pinBar, bars([PRIOR, [1999.85, 1999.9, 1997.5, 1999.9]]), defaults)!;
    expect(clean.score).toBeGreaterThan(plain.score);
  });

  // v1.03's non-strict comparisons: a pin exactly at the limit is a pin.
  it.each<[string, Ohlc[]]>([
    ['a body of exactly 0.33 of the range', [PRIOR, [1999.2, 2000.2, 1997.2, 2000.19]]],
    ['a nose exactly 0.5 of the range beyond the previous low', [PRIOR, [1999.6, 1999.9, 1998.1, 1999.8]]],
    ['a previous body of exactly 10 % of its range', [[1999.62, 2001.2, 1999.0, 1999.4], HAMMER]],
    [
      'a body as large as the previous body',
      [
        [1999.65, 2001.2, 1999.0, 1999.4],
        [1999.55, 1999.9, 1997.8, 1999.8],
      ],
    ],
    ['a previous high exactly 0.1 of its range above the pin', [[1999.9, 2000.0, 1999.0, 1999.4], HAMMER]],
    [
      'a body resting on the previous low',
      [
        [2001.0, 2001.2, 1999.1, 1999.4],
        [1999.1, 1999.9, 1997.8, 1999.3],
      ],
    ],
  ])('fires, long and short, on %s', (_name, ohlc) => {
    for (const [side, series] of longAndShort(bars(ohlc), PIVOT)) {
      expect(evaluate(pinBar, series, defaults)?.direction).toBe(side);
    }
  });

  // Each misses exactly one v1.03 condition; the rest hold.
  it.each<[string, Ohlc[]]>([
    ['a body of 0.333 of the range (MaxNoseBodySize)', [PRIOR, [1999.1, 1999.9, 1997.8, 1999.8]]],
    [
      'a body bottom exactly 40 % below the high (NoseBodyPosition is strict)',
      [PRIOR, [1999.0, 1999.8, 1997.8, 1999.2]],
    ],
    ['a nose 0.47 of the range beyond the previous low (NoseProtruding)', [PRIOR, [1999.6, 1999.9, 1998.2, 1999.8]]],
    ['a bullish previous bar (LeftEyeOppositeDirection)', [[1999.4, 2001.2, 1999.0, 2001.0], HAMMER]],
    ['a previous body of 9 % of its range (LeftEyeMinBodySize)', [[1999.6, 2001.2, 1999.0, 1999.4], HAMMER]],
    [
      'a body reaching below the previous low (no input: v1.03 always asks this)',
      [
        [2001.0, 2001.2, 1999.1, 1999.4],
        [1999.08, 1999.9, 1997.8, 1999.28],
      ],
    ],
    [
      'a body larger than the previous body (NoseBodyToLeftEyeBody)',
      [
        [1999.65, 2001.2, 1999.0, 1999.4],
        [1999.5, 1999.9, 1997.8, 1999.8],
      ],
    ],
    ['a previous high 0.05 of its range above the pin (LeftEyeDepth)', [[1999.9, 1999.95, 1999.0, 1999.4], HAMMER]],
  ])('does not fire, long or short, on %s', (_name, ohlc) => {
    for (const [, series] of longAndShort(bars(ohlc), PIVOT)) expect(evaluate(pinBar, series, defaults)).toBeNull();
  });

  it.each<[string, Ohlc[]]>([
    ['a flat pin', [PRIOR, [1999, 1999, 1999, 1999]]],
    ['a previous bar without a body (no colour)', [[1999.4, 2001.2, 1999.0, 1999.4], HAMMER]],
    ['a flat previous bar', [[1999.5, 1999.5, 1999.5, 1999.5], HAMMER]],
    ['only one bar', [HAMMER]],
  ])('does not fire on degenerate bars: %s', (_name, ohlc) => {
    for (const [, series] of longAndShort(bars(ohlc), PIVOT)) expect(evaluate(pinBar, series, defaults)).toBeNull();
  });

  // One row per published input switched away from its default: a pair, and whether it fires
  // with the defaults and with the switched input.
  it.each<[string, Partial<typeof defaults>, Ohlc[], boolean, boolean]>([
    ['maxBodyRatio 0.09', { maxBodyRatio: 0.09 }, [PRIOR, HAMMER], true, false],
    ['bodyZone 0.1', { bodyZone: 0.1 }, [PRIOR, HAMMER], true, false],
    ['minNoseProtrusion 0.6', { minNoseProtrusion: 0.6 }, [PRIOR, HAMMER], true, false],
    [
      'requireOppositePriorBar false',
      { requireOppositePriorBar: false },
      [[1999.4, 2001.2, 1999, 2001], HAMMER],
      false,
      true,
    ],
    [
      'requireSameDirectionPin true',
      { requireSameDirectionPin: true },
      [PRIOR, [1999.8, 1999.9, 1997.8, 1999.6]],
      true,
      false,
    ],
    ['minPriorBodyRatio 0.8', { minPriorBodyRatio: 0.8 }, [PRIOR, HAMMER], true, false],
    ['maxBodyToPriorBody 0.1', { maxBodyToPriorBody: 0.1 }, [PRIOR, HAMMER], true, false],
    ['minRangeToPriorRange 1', { minRangeToPriorRange: 1 }, [PRIOR, HAMMER], true, false],
    ['minRangeToPriorRange 0.95', { minRangeToPriorRange: 0.95 }, [PRIOR, HAMMER], true, true],
    ['minPriorDepth 0.6', { minPriorDepth: 0.6 }, [PRIOR, HAMMER], true, false],
    ['requireBodyInsidePriorBody true', { requireBodyInsidePriorBody: true }, [PRIOR, HAMMER], true, true],
    [
      'requireBodyInsidePriorBody true, the body below the previous body',
      { requireBodyInsidePriorBody: true },
      [PRIOR, [1999.3, 1999.9, 1997.8, 1999.5]],
      true,
      false,
    ],
    ['minRangePoints 210', { minRangePoints: 210 }, [PRIOR, HAMMER], true, true],
    ['minRangePoints 211', { minRangePoints: 211 }, [PRIOR, HAMMER], true, false],
  ])('with %s', (_name, overrides, ohlc, withDefaults, withOverrides) => {
    for (const [side, series] of longAndShort(bars(ohlc), PIVOT)) {
      expect(evaluate(pinBar, series, defaults)?.direction ?? null).toBe(withDefaults ? side : null);
      expect(evaluate(pinBar, series, { ...defaults, ...overrides })?.direction ?? null).toBe(
        withOverrides ? side : null,
      );
    }
  });

  it('places its exits as configured', () => {
    const at = (overrides: Partial<typeof defaults>) =>
      evaluate(pinBar, bars([PRIOR, HAMMER]), { ...defaults, ...overrides })!;
    expect(at({ stopBufferPips: 0 })).toMatchObject({ stopLoss: 1997.8, takeProfit: 2002.8 });
    expect(at({ takeProfitAt: 'prior_bar_extreme' })).toMatchObject({ stopLoss: 1997.7, takeProfit: 2001.2 });
    expect(at({ rewardRisk: 1 })).toMatchObject({ takeProfit: 2001.9 });
  });

  it('leaves the target to the bot when the previous high is not above the entry (minPriorDepth 0)', () => {
    const level: Ohlc[] = [
      [2000.0, 2000.0, 1999.0, 1999.4],
      [1999.8, 2000.0, 1997.8, 2000.0],
    ];
    const hit = evaluate(pinBar, bars(level), { ...defaults, minPriorDepth: 0, takeProfitAt: 'prior_bar_extreme' });
    expect(hit).toMatchObject({ direction: 'buy', entryPrice: 2000, takeProfit: null });
  });
});
