// Pin bar as EarnForex's Pinbar Detector v1.03 finds it with its default inputs
// (github.com/EarnForex/Pinbar-Detector, PinbarDetector.mq5). The pin is the signal bar (v1.03's
// "nose"), the bar before it the "left eye". For a buy: a small body near the pin's top, its low
// sticking out below the previous, bearish bar, the body inside that bar's range, and that bar's
// high standing above the pin's. A sell is the mirror image. Every comparison keeps v1.03's
// strictness: only the body position is strict.
import { z } from 'zod';
import type { MarketWindow } from '../indicators/market-window.ts';
import type { Bar, InstrumentSpec, TradeSide } from '../market.ts';
import { priceToPips, roundPrice } from '../rounding.ts';
import { stopBeyond, targetAtRewardRisk } from './protective-levels.ts';
import { meanScore, progress } from './scoring.ts';
import type { StrategyHit } from './signal.ts';
import type { Strategy } from './strategy.ts';

// Each detection setting is a v1.03 input (`Custom…` in PinbarDetector.mq5) with its default; its
// description is the comparison v1.03 makes. Two rules have no input: the pin's body lies within
// the previous bar's high–low range, and a zero range or body counts as one point.
const v103 = (rule: string, input: string): string => `${rule} (EarnForex Pinbar Detector v1.03 ${input})`;
const fraction = z.number().nonnegative();

export const pinBarParamsSchema = z.object({
  maxBodyRatio: z.number().gt(0).max(1).default(0.33).describe(v103('Pin body / pin range ≤ this', 'MaxNoseBodySize')),
  bodyZone: z
    .number()
    .gt(0)
    .max(1)
    .default(0.4)
    .describe(
      v103("Pin's back (high for a buy) to the body's far edge < this × pin range, strictly", 'NoseBodyPosition'),
    ),
  minNoseProtrusion: fraction
    .default(0.5)
    .describe(v103("Nose beyond the previous bar's low (high for a sell) ≥ this × pin range", 'NoseProtruding')),
  requireOppositePriorBar: z
    .boolean()
    .default(true)
    .describe(v103('The previous bar closes against the signal (bearish before a buy)', 'LeftEyeOppositeDirection')),
  requireSameDirectionPin: z
    .boolean()
    .default(false)
    .describe(v103('The pin closes with the signal (bullish for a buy)', 'NoseSameDirection')),
  minPriorBodyRatio: fraction
    .default(0.1)
    .describe(v103('Previous body / previous range ≥ this', 'LeftEyeMinBodySize')),
  maxBodyToPriorBody: fraction.default(1).describe(v103('Pin body / previous body ≤ this', 'NoseBodyToLeftEyeBody')),
  minRangeToPriorRange: fraction
    .default(0)
    .describe(v103('Pin range / previous range ≥ this', 'NoseLengthToLeftEyeLength')),
  minPriorDepth: fraction
    .default(0.1)
    .describe(v103("Previous bar's high (low for a sell) beyond the pin's ≥ this × previous range", 'LeftEyeDepth')),
  requireBodyInsidePriorBody: z
    .boolean()
    .default(false)
    .describe(v103("The pin's body lies within the previous bar's body", 'NoseBodyInsideLeftEyeBody')),
  minRangePoints: z
    .number()
    .int()
    .nonnegative()
    .default(1)
    .describe(v103('Pin range ≥ this many points', 'MinimumNoseLength')),
  // v1.03 only marks the pattern. The exits follow the usage instructions it links to
  // (earnforex.com/forex-strategy/pinbar-trading-system): the stop "immediately behind the nose bar
  // point", the conservative take-profit at the left eye's far extreme.
  stopBufferPips: z
    .number()
    .nonnegative()
    .default(1)
    .describe(
      "Stop this many pips beyond the pin's nose (EarnForex: immediately behind the nose; 1 pip is the project's reading)",
    ),
  takeProfitAt: z
    .enum(['reward_risk', 'prior_bar_extreme'])
    // The detector defines no exit; the default keeps the exits bots have traded with.
    .default('reward_risk')
    .describe(
      "reward_risk: rewardRisk × the stop distance (the project's choice); prior_bar_extreme: the previous bar's high for a buy, low for a sell (EarnForex's pinbar-trading article, conservative target)",
    ),
  rewardRisk: z
    .number()
    .positive()
    .default(1.5)
    .describe(
      "Take-profit distance as a multiple of the stop distance, with takeProfitAt reward_risk (the project's choice)",
    ),
});

export type PinBarParams = z.output<typeof pinBarParamsSchema>;

/** A bar in whole points of the instrument: prices sit on that grid, so every comparison is exact. */
interface PointBar {
  open: number;
  high: number;
  low: number;
  close: number;
}

function toPoints(price: number, point: number): number {
  return Math.round(price / point);
}

/** The bar `back` bars back in points. */
function inPoints(window: MarketWindow, back: number, point: number): PointBar {
  return {
    open: toPoints(window.open(back), point),
    high: toPoints(window.high(back), point),
    low: toPoints(window.low(back), point),
    close: toPoints(window.close(back), point),
  };
}

/** A bar as a buy sees it: a sell's bars are negated, which turns its pin into a buy's. */
function oriented(bar: PointBar, direction: TradeSide): PointBar {
  return direction === 'buy' ? bar : { open: -bar.open, high: -bar.low, low: -bar.high, close: -bar.close };
}

/** What v1.03 compares, for a buy. */
interface Measures {
  bodyTop: number;
  bodyBottom: number;
  bodyRatio: number;
  noseRatio: number;
  backRatio: number;
  protrusionRatio: number;
  priorBodyRatio: number;
  bodyToPriorBody: number;
  rangeToPriorRange: number;
  priorDepthRatio: number;
}

/**
 * v1.03's test for a buy, and its measures when the pin is found. A zero range or body counts as
 * one point, so ratios stay finite. The measures are built only for a pin: this runs on every
 * bar with a small body, and most are not pins.
 */
function bullishPin(pin: PointBar, prior: PointBar, params: PinBarParams): Measures | null {
  if (pin.high - pin.low < params.minRangePoints) return null;
  const bodyTop = Math.max(pin.open, pin.close);
  const bodyBottom = Math.min(pin.open, pin.close);
  const range = Math.max(pin.high - pin.low, 1);
  const body = Math.max(bodyTop - bodyBottom, 1);
  const priorRange = Math.max(prior.high - prior.low, 1);
  const priorBody = Math.max(Math.abs(prior.close - prior.open), 1);
  const bodyRatio = body / range;
  // From the pin's back (its high) down to the body's far edge; with a zero range this is 1.
  const backRatio = (range - (bodyBottom - pin.low)) / range;
  const protrusionRatio = (prior.low - pin.low) / range;
  const priorBodyRatio = priorBody / priorRange;
  const bodyToPriorBody = body / priorBody;
  const rangeToPriorRange = range / priorRange;
  const priorDepthRatio = (prior.high - pin.high) / priorRange;
  const found =
    protrusionRatio >= params.minNoseProtrusion &&
    bodyRatio <= params.maxBodyRatio &&
    backRatio < params.bodyZone &&
    (!params.requireOppositePriorBar || prior.close < prior.open) &&
    (!params.requireSameDirectionPin || pin.close > pin.open) &&
    priorBodyRatio >= params.minPriorBodyRatio &&
    // v1.03 always asks this; it has no input for it.
    bodyTop <= prior.high &&
    bodyBottom >= prior.low &&
    bodyToPriorBody <= params.maxBodyToPriorBody &&
    rangeToPriorRange >= params.minRangeToPriorRange &&
    priorDepthRatio >= params.minPriorDepth &&
    (!params.requireBodyInsidePriorBody ||
      (bodyTop <= Math.max(prior.open, prior.close) && bodyBottom >= Math.min(prior.open, prior.close)));
  if (!found) return null;
  return {
    bodyTop,
    bodyBottom,
    bodyRatio,
    noseRatio: (bodyBottom - pin.low) / range,
    backRatio,
    protrusionRatio,
    priorBodyRatio,
    bodyToPriorBody,
    rangeToPriorRange,
    priorDepthRatio,
  };
}

/** Where the take-profit goes; null when the previous bar's extreme is not beyond the entry. */
function target(
  direction: TradeSide,
  pin: Bar,
  prior: Bar,
  stopLoss: number,
  params: PinBarParams,
  instrument: InstrumentSpec,
) {
  if (params.takeProfitAt === 'reward_risk') {
    return targetAtRewardRisk(pin.close, stopLoss, direction, params.rewardRisk, instrument);
  }
  // Always beyond it when minPriorDepth > 0; at 0 it may not be, and no target is better than one
  // on the wrong side (the bot's defaultTpPips then apply).
  const extreme = direction === 'buy' ? prior.high : prior.low;
  const beyondEntry = direction === 'buy' ? extreme > pin.close : extreme < pin.close;
  return beyondEntry ? roundPrice(extreme, instrument) : null;
}

function hit(
  direction: TradeSide,
  pin: Bar,
  prior: Bar,
  m: Measures,
  params: PinBarParams,
  instrument: InstrumentSpec,
): StrategyHit {
  const stopLoss = stopBeyond(direction === 'buy' ? pin.low : pin.high, direction, params.stopBufferPips, instrument);
  return {
    direction,
    // The project's score, not v1.03's: it never decides whether the pattern is found.
    score: meanScore([
      progress(m.bodyRatio, params.maxBodyRatio, 0),
      progress(m.noseRatio, 1 - params.bodyZone, 1),
      progress(m.protrusionRatio, params.minNoseProtrusion, 1),
    ]),
    // The engine trades at market on the next cycle; EarnForex's entries (a stop order beyond the
    // pin, or a pull-back to the previous close) would need pending orders, which it never places.
    entryPrice: pin.close,
    stopLoss,
    takeProfit: target(direction, pin, prior, stopLoss, params, instrument),
    features: {
      bodyRatio: m.bodyRatio,
      noseRatio: m.noseRatio,
      protrusionRatio: m.protrusionRatio,
      priorBodyRatio: m.priorBodyRatio,
      bodyToPriorBody: m.bodyToPriorBody,
      priorDepthRatio: m.priorDepthRatio,
      rangePips: priceToPips(pin.high - pin.low, instrument),
      priorBarBody: prior.close - prior.open,
    },
  };
}

/**
 * The direction-free part of bullishPin's test (range and body size, the same in points either
 * way), on the window's numbers: most bars fail it, and build no oriented bars then.
 */
function mayBePin(window: MarketWindow, instrument: InstrumentSpec, params: PinBarParams): boolean {
  const { point } = instrument;
  const range = toPoints(window.high(0), point) - toPoints(window.low(0), point);
  if (range < params.minRangePoints) return false;
  const body = Math.abs(toPoints(window.close(0), point) - toPoints(window.open(0), point));
  return Math.max(body, 1) / Math.max(range, 1) <= params.maxBodyRatio;
}

/** Buy first: when both match (possible only with bodyZone > 0.5) v1.03 shows the bullish mark. */
const DIRECTIONS = ['buy', 'sell'] as const;

export const pinBar: Strategy<PinBarParams> = {
  minBars: () => 2,

  plan: () => ({ depth: 2 }),

  evaluate({ window, instrument }, params) {
    if (window.count < pinBar.minBars(params)) return null;
    if (!mayBePin(window, instrument, params)) return null;
    const pin = inPoints(window, 0, instrument.point);
    const prior = inPoints(window, 1, instrument.point);
    for (const direction of DIRECTIONS) {
      const m = bullishPin(oriented(pin, direction), oriented(prior, direction), params);
      if (m !== null) return hit(direction, window.bar(0), window.bar(1), m, params, instrument);
    }
    return null;
  },
};
