// Pin bar as EarnForex's Pinbar Detector v1.03 finds it with its default inputs
// (github.com/EarnForex/Pinbar-Detector, PinbarDetector.mq5). The pin is the signal bar (v1.03's
// "nose"), the bar before it the "left eye". For a buy: a small body near the pin's top, its low
// sticking out below the previous, bearish bar, the body inside that bar's range, and that bar's
// high standing above the pin's. A sell is the mirror image. Every comparison keeps v1.03's
// strictness: only the body position is strict.
import { z } from 'zod';
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

function toPoints(price: number, point: number): number {
  return Math.round(price / point);
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
 * v1.03's test for a buy, and its measures when the pin is found, on the two bars in whole points
 * (a sell's are negated, high and low swapped, which turns its pin into a buy's). A zero range or
 * body counts as one point, so ratios stay finite. Plain numbers and measures only for a pin: this
 * runs twice on every bar with a small body, and most are not pins.
 */
function bullishPin(
  open: number,
  high: number,
  low: number,
  close: number,
  priorOpen: number,
  priorHigh: number,
  priorLow: number,
  priorClose: number,
  params: PinBarParams,
): Measures | null {
  if (high - low < params.minRangePoints) return null;
  const range = Math.max(high - low, 1);
  // Each test as soon as its numbers are known, the nose's protrusion (which most bars fail) first.
  const protrusionRatio = (priorLow - low) / range;
  if (!(protrusionRatio >= params.minNoseProtrusion)) return null;
  const bodyTop = Math.max(open, close);
  const bodyBottom = Math.min(open, close);
  const body = Math.max(bodyTop - bodyBottom, 1);
  const bodyRatio = body / range;
  // From the pin's back (its high) down to the body's far edge; with a zero range this is 1.
  const backRatio = (range - (bodyBottom - low)) / range;
  if (!(bodyRatio <= params.maxBodyRatio && backRatio < params.bodyZone)) return null;
  if (params.requireOppositePriorBar && !(priorClose < priorOpen)) return null;
  if (params.requireSameDirectionPin && !(close > open)) return null;
  // v1.03 always asks this; it has no input for it.
  if (!(bodyTop <= priorHigh && bodyBottom >= priorLow)) return null;
  const priorRange = Math.max(priorHigh - priorLow, 1);
  const priorBody = Math.max(Math.abs(priorClose - priorOpen), 1);
  const priorBodyRatio = priorBody / priorRange;
  const bodyToPriorBody = body / priorBody;
  const rangeToPriorRange = range / priorRange;
  const priorDepthRatio = (priorHigh - high) / priorRange;
  const found =
    priorBodyRatio >= params.minPriorBodyRatio &&
    bodyToPriorBody <= params.maxBodyToPriorBody &&
    rangeToPriorRange >= params.minRangeToPriorRange &&
    priorDepthRatio >= params.minPriorDepth &&
    (!params.requireBodyInsidePriorBody ||
      (bodyTop <= Math.max(priorOpen, priorClose) && bodyBottom >= Math.min(priorOpen, priorClose)));
  if (!found) return null;
  return {
    bodyTop,
    bodyBottom,
    bodyRatio,
    noseRatio: (bodyBottom - low) / range,
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

export const pinBar: Strategy<PinBarParams> = {
  minBars: () => 2,

  plan: () => ({ depth: 2 }),

  evaluate({ window, instrument }, params) {
    if (window.count < pinBar.minBars(params)) return null;
    const { point } = instrument;
    const open = toPoints(window.open(0), point);
    const high = toPoints(window.high(0), point);
    const low = toPoints(window.low(0), point);
    const close = toPoints(window.close(0), point);
    // The direction-free part of the test (range and body size, the same in points either way):
    // most bars fail it, and are not looked at twice.
    const range = high - low;
    if (range < params.minRangePoints) return null;
    if (Math.max(Math.abs(close - open), 1) / Math.max(range, 1) > params.maxBodyRatio) return null;
    const priorOpen = toPoints(window.open(1), point);
    const priorHigh = toPoints(window.high(1), point);
    const priorLow = toPoints(window.low(1), point);
    const priorClose = toPoints(window.close(1), point);
    // Buy first: when both match (possible only with bodyZone > 0.5) v1.03 shows the bullish mark.
    const buy = bullishPin(open, high, low, close, priorOpen, priorHigh, priorLow, priorClose, params);
    if (buy !== null) return hit('buy', window.bar(0), window.bar(1), buy, params, instrument);
    const sell = bullishPin(-open, -low, -high, -close, -priorOpen, -priorLow, -priorHigh, -priorClose, params);
    if (sell !== null) return hit('sell', window.bar(0), window.bar(1), sell, params, instrument);
    return null;
  },
};
