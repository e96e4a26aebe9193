// The pin bar strategy against a reference written straight from EarnForex Pinbar Detector v1.03
// (PinbarDetector.mq5, OnCalculate): the bullish and the bearish test as the indicator spells
// them, in whole points and exact integer arithmetic (each input a fraction n/d), on random bar
// pairs that include flat bars and bars without a body.
import fc from 'fast-check';
import type { Bar } from '../../../../trading/market.ts';
import { pinBar, pinBarParamsSchema, type PinBarParams } from '../../../../trading/strategies/pin-bar.ts';
import { bars } from '../fixtures.ts';
import { evaluate } from './run.ts';

type Fraction = readonly [numerator: number, denominator: number];

/** v1.03's inputs, by their names in the indicator. */
interface V103Inputs {
  MaxNoseBodySize: Fraction;
  NoseBodyPosition: Fraction;
  LeftEyeOppositeDirection: boolean;
  NoseSameDirection: boolean;
  NoseBodyInsideLeftEyeBody: boolean;
  LeftEyeMinBodySize: Fraction;
  NoseProtruding: Fraction;
  NoseBodyToLeftEyeBody: Fraction;
  NoseLengthToLeftEyeLength: Fraction;
  LeftEyeDepth: Fraction;
  MinimumNoseLength: number;
}

const V103_DEFAULTS: V103Inputs = {
  MaxNoseBodySize: [33, 100],
  NoseBodyPosition: [4, 10],
  LeftEyeOppositeDirection: true,
  NoseSameDirection: false,
  NoseBodyInsideLeftEyeBody: false,
  LeftEyeMinBodySize: [1, 10],
  NoseProtruding: [5, 10],
  NoseBodyToLeftEyeBody: [1, 1],
  NoseLengthToLeftEyeLength: [0, 1],
  LeftEyeDepth: [1, 10],
  MinimumNoseLength: 1,
};

/** Open, high, low, close in points. */
interface Candle {
  o: number;
  h: number;
  l: number;
  c: number;
}

// a / b against n / d, for b > 0 and d > 0, without rounding.
const ratioAtLeast = (a: number, b: number, [n, d]: Fraction): boolean => a * d >= n * b;
const ratioAtMost = (a: number, b: number, [n, d]: Fraction): boolean => a * d <= n * b;
const ratioBelow = (a: number, b: number, [n, d]: Fraction): boolean => a * d < n * b;

function v103Pinbar(nose: Candle, eye: Candle, inputs: V103Inputs): 'buy' | 'sell' | null {
  if (nose.h - nose.l < inputs.MinimumNoseLength) return null;
  // v1.03 replaces a zero length or body with one point.
  const orPoint = (size: number): number => (size === 0 ? 1 : size);
  const noseLength = orPoint(nose.h - nose.l);
  const eyeLength = orPoint(eye.h - eye.l);
  const noseBody = orPoint(Math.abs(nose.o - nose.c));
  const eyeBody = orPoint(Math.abs(eye.o - eye.c));
  const noseTop = Math.max(nose.o, nose.c);
  const noseBottom = Math.min(nose.o, nose.c);
  const eitherWay =
    ratioAtMost(noseBody, noseLength, inputs.MaxNoseBodySize) &&
    ratioAtLeast(eyeBody, eyeLength, inputs.LeftEyeMinBodySize) &&
    noseTop <= eye.h &&
    noseBottom >= eye.l &&
    ratioAtMost(noseBody, eyeBody, inputs.NoseBodyToLeftEyeBody) &&
    ratioAtLeast(noseLength, eyeLength, inputs.NoseLengthToLeftEyeLength) &&
    (!inputs.NoseBodyInsideLeftEyeBody || (noseTop <= Math.max(eye.o, eye.c) && noseBottom >= Math.min(eye.o, eye.c)));
  const bearish =
    eitherWay &&
    ratioAtLeast(nose.h - eye.h, noseLength, inputs.NoseProtruding) &&
    // 1 − (High − max(Open, Close)) / length < NoseBodyPosition
    ratioBelow(noseLength - (nose.h - noseTop), noseLength, inputs.NoseBodyPosition) &&
    (!inputs.LeftEyeOppositeDirection || eye.c > eye.o) &&
    (!inputs.NoseSameDirection || nose.c < nose.o) &&
    ratioAtLeast(nose.l - eye.l, eyeLength, inputs.LeftEyeDepth);
  const bullish =
    eitherWay &&
    ratioAtLeast(eye.l - nose.l, noseLength, inputs.NoseProtruding) &&
    // 1 − (min(Open, Close) − Low) / length < NoseBodyPosition
    ratioBelow(noseLength - (noseBottom - nose.l), noseLength, inputs.NoseBodyPosition) &&
    (!inputs.LeftEyeOppositeDirection || eye.c < eye.o) &&
    (!inputs.NoseSameDirection || nose.c > nose.o) &&
    ratioAtLeast(eye.h - nose.h, eyeLength, inputs.LeftEyeDepth);
  // v1.03 tests the bullish case last, so its mark is the one left on the bar.
  return bullish ? 'buy' : bearish ? 'sell' : null;
}

const value = ([n, d]: Fraction): number => n / d;

function asParams(inputs: V103Inputs): PinBarParams {
  return pinBarParamsSchema.parse({
    maxBodyRatio: value(inputs.MaxNoseBodySize),
    bodyZone: value(inputs.NoseBodyPosition),
    minNoseProtrusion: value(inputs.NoseProtruding),
    requireOppositePriorBar: inputs.LeftEyeOppositeDirection,
    requireSameDirectionPin: inputs.NoseSameDirection,
    minPriorBodyRatio: value(inputs.LeftEyeMinBodySize),
    maxBodyToPriorBody: value(inputs.NoseBodyToLeftEyeBody),
    minRangeToPriorRange: value(inputs.NoseLengthToLeftEyeLength),
    minPriorDepth: value(inputs.LeftEyeDepth),
    requireBodyInsidePriorBody: inputs.NoseBodyInsideLeftEyeBody,
    minRangePoints: inputs.MinimumNoseLength,
  });
}

// Gold-like prices: 2000.00 plus whole points of 0.01.
const BASE_POINTS = 200_000;
const toBars = (eye: Candle, nose: Candle): Bar[] =>
  bars(
    [eye, nose].map(({ o, h, l, c }) => {
      const price = (points: number): number => Number(((BASE_POINTS + points) / 100).toFixed(2));
      return [price(o), price(h), price(l), price(c)] as const;
    }),
  );

/** Any candle within `span` points, flat ones and ones without a body included. */
const anyCandle = (span: number): fc.Arbitrary<Candle> =>
  fc.tuple(fc.integer({ min: 0, max: span }), fc.integer({ min: 0, max: span })).chain(([a, b]) => {
    const [l, h] = a <= b ? [a, b] : [b, a];
    return fc
      .oneof(
        fc.record({ o: fc.integer({ min: l, max: h }), c: fc.integer({ min: l, max: h }) }),
        fc.integer({ min: l, max: h }).map((level) => ({ o: level, c: level })),
      )
      .map(({ o, c }) => ({ o, h, l, c }));
  });

/** Pairs near a bullish pin, sized from the nose's length so that limits are often hit; half mirrored. */
const nearPin: fc.Arbitrary<[Candle, Candle]> = fc.integer({ min: 0, max: 40 }).chain((noseLength) => {
  const upTo = (share: number, slack = 0): fc.Arbitrary<number> =>
    fc.integer({ min: 0, max: Math.ceil(noseLength * share) + slack });
  return fc
    .record({
      bodyFromTop: upTo(0.45),
      body: upTo(0.4, 1),
      eyeLowAbove: fc.integer({ min: Math.floor(noseLength * 0.3), max: Math.ceil(noseLength * 0.8) }),
      eyeHighAbove: fc.integer({ min: -2, max: Math.ceil(noseLength * 0.3) + 2 }),
      eyeBodyTenths: fc.integer({ min: 0, max: 10 }),
      noseUp: fc.boolean(),
      eyeUp: fc.boolean(),
      mirrored: fc.boolean(),
    })
    .map((r): [Candle, Candle] => {
      const nose = { h: 100 + noseLength, l: 100 };
      const top = Math.max(nose.h - r.bodyFromTop, nose.l);
      const bottom = Math.max(top - r.body, nose.l);
      const eye = { h: Math.max(nose.h + r.eyeHighAbove, nose.l + r.eyeLowAbove), l: nose.l + r.eyeLowAbove };
      const eyeBottom = eye.h - Math.round(((eye.h - eye.l) * r.eyeBodyTenths) / 10);
      const pair: [Candle, Candle] = [
        { ...eye, o: r.eyeUp ? eyeBottom : eye.h, c: r.eyeUp ? eye.h : eyeBottom },
        { ...nose, o: r.noseUp ? bottom : top, c: r.noseUp ? top : bottom },
      ];
      const flip = ({ o, h, l, c }: Candle): Candle => ({ o: -o, h: -l, l: -h, c: -c });
      return r.mirrored ? [flip(pair[0]), flip(pair[1])] : pair;
    });
});

const barPairs = fc.oneof(
  { arbitrary: fc.tuple(anyCandle(60), anyCandle(60)), weight: 1 },
  { arbitrary: fc.tuple(anyCandle(8), anyCandle(8)), weight: 1 },
  { arbitrary: nearPin, weight: 2 },
  // A flat previous bar, which v1.03 measures as one point long.
  {
    arbitrary: fc.tuple(
      anyCandle(4).map((c) => ({ o: c.l, h: c.l, l: c.l, c: c.l })),
      anyCandle(8),
    ),
    weight: 1,
  },
);

const fraction = (...choices: Fraction[]): fc.Arbitrary<Fraction> => fc.constantFrom(...choices);
const anyInputs: fc.Arbitrary<V103Inputs> = fc.record({
  MaxNoseBodySize: fraction([1, 10], [1, 4], [33, 100], [1, 2], [1, 1]),
  NoseBodyPosition: fraction([1, 4], [4, 10], [1, 2], [3, 5], [1, 1]),
  LeftEyeOppositeDirection: fc.boolean(),
  NoseSameDirection: fc.boolean(),
  NoseBodyInsideLeftEyeBody: fc.boolean(),
  LeftEyeMinBodySize: fraction([0, 1], [1, 10], [1, 3], [1, 2], [2, 3]),
  NoseProtruding: fraction([0, 1], [1, 4], [1, 2], [2, 3], [1, 1]),
  NoseBodyToLeftEyeBody: fraction([1, 2], [1, 1], [2, 1]),
  NoseLengthToLeftEyeLength: fraction([0, 1], [1, 2], [1, 1], [3, 2]),
  LeftEyeDepth: fraction([0, 1], [1, 10], [1, 2]),
  MinimumNoseLength: fc.integer({ min: 0, max: 5 }),
});

/** Whether the strategy's direction (or silence) is v1.03's on this pair; tallies v1.03's verdicts. */
function agreesWithV103(eye: Candle, nose: Candle, inputs: V103Inputs, params: PinBarParams, seen: Tally): boolean {
  const expected = v103Pinbar(nose, eye, inputs);
  seen[expected ?? 'none']++;
  return (evaluate(pinBar, toBars(eye, nose), params)?.direction ?? null) === expected;
}

type Tally = Record<'buy' | 'sell' | 'none', number>;

describe('pin bar against EarnForex Pinbar Detector v1.03', () => {
  it('takes v1.03’s defaults', () => {
    expect(asParams(V103_DEFAULTS)).toEqual(pinBarParamsSchema.parse({}));
  });

  it('fires exactly when v1.03 with its defaults finds a pin, in its direction', () => {
    const params = asParams(V103_DEFAULTS);
    const seen: Tally = { buy: 0, sell: 0, none: 0 };
    fc.assert(
      fc.property(barPairs, ([eye, nose]) => agreesWithV103(eye, nose, V103_DEFAULTS, params, seen)),
      { numRuns: 20_000 },
    );
    // Not vacuous: both kinds of pin, and many pairs that are none.
    expect(seen.buy).toBeGreaterThan(100);
    expect(seen.sell).toBeGreaterThan(100);
    expect(seen.none).toBeGreaterThan(10_000);
  });

  it('fires exactly when v1.03 finds a pin with any other inputs', () => {
    const seen: Tally = { buy: 0, sell: 0, none: 0 };
    fc.assert(
      fc.property(barPairs, anyInputs, ([eye, nose], inputs) =>
        agreesWithV103(eye, nose, inputs, asParams(inputs), seen),
      ),
      { numRuns: 20_000 },
    );
    expect(seen.buy).toBeGreaterThan(40);
    expect(seen.sell).toBeGreaterThan(40);
  });
});
