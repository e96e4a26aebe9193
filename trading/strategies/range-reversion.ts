// Range reversion: in a ranging market (ADX below a threshold) the previous bar closed outside the
// range and this bar closes back inside, short of its middle → fade towards the middle. The range
// is a Bollinger band (the default), or a Donchian channel: the previous bar closed beyond the
// highest high or lowest low of the bars before it.
import { z } from 'zod';
import type { TradeSide } from '../market.ts';
import { roundPrice } from '../rounding.ts';
import { stopBeyond } from './protective-levels.ts';
import { meanScore, progress } from './scoring.ts';
import type { StrategyHit } from './signal.ts';
import type { Strategy, StrategyInput } from './strategy.ts';

/** Excursion beyond the band, in standard deviations, that scores 1. */
const FULL_EXCURSION_SIGMA = 1;
/** Excursion beyond a Donchian channel, as a share of its half-width, that scores 1. */
const FULL_EXCURSION_HALF_WIDTH = 0.25;

export const RANGE_CHANNELS = ['bollinger', 'donchian'] as const;

// The rule, the ADX threshold and the stop are the project's choices (a ranging market by ADX(14)
// below 20–25; a close outside Bollinger(20, 2σ), or beyond a Donchian(20) channel, and back inside
// is faded towards the middle); the indicators and their periods are published.
export const rangeReversionParamsSchema = z.object({
  channel: z
    .enum(RANGE_CHANNELS)
    .default('bollinger')
    .describe(
      "The range whose edge is faded: bollinger (a close outside Bollinger bands), or donchian (a close beyond the previous donchianPeriod bars' highest high or lowest low)",
    ),
  adxPeriod: z
    .number()
    .int()
    .min(2)
    .default(14)
    .describe('ADX period (14: Wilder, New Concepts in Technical Trading Systems, 1978)'),
  adxMax: z
    .number()
    .min(0)
    .max(100)
    .default(20)
    .describe("ADX below which the market counts as ranging (20: the project's choice)"),
  bollingerPeriod: z
    .number()
    .int()
    .min(2)
    .default(20)
    .describe('Bollinger Bands period (20: John Bollinger, Bollinger on Bollinger Bands, 2001)'),
  bollingerDeviations: z
    .number()
    .positive()
    .default(2)
    .describe(
      'Bollinger Bands width in population standard deviations (2: John Bollinger, Bollinger on Bollinger Bands, 2001)',
    ),
  donchianPeriod: z
    .number()
    .int()
    .min(2)
    .max(500)
    .default(20)
    .describe("With channel donchian: bars in the channel (20: Richard Donchian's four-week rule)"),
  stopBufferPips: z
    .number()
    .nonnegative()
    .default(1)
    .describe("Stop this many pips beyond the excursion's extreme, the two bars' low for a buy (the project's choice)"),
});

export type RangeReversionParams = z.output<typeof rangeReversionParamsSchema>;

export const rangeReversion: Strategy<RangeReversionParams> = {
  minBars: (params) =>
    Math.max(
      2 * params.adxPeriod - 1,
      params.channel === 'donchian' ? params.donchianPeriod + 2 : params.bollingerPeriod + 1,
    ),

  plan: (params) =>
    params.channel === 'donchian'
      ? // The previous bar's channel reads the donchianPeriod bars before it.
        { adx: [params.adxPeriod], depth: params.donchianPeriod + 2 }
      : {
          adx: [params.adxPeriod],
          bollinger: [{ period: params.bollingerPeriod, deviations: params.bollingerDeviations }],
          depth: 2,
        },

  evaluate(input, params) {
    if (input.window.count < rangeReversion.minBars(params)) return null;
    return params.channel === 'donchian' ? donchianReversion(input, params) : bollingerReversion(input, params);
  },

  unread: (params) =>
    params.channel === 'donchian'
      ? [
          { key: 'bollingerPeriod', readOnlyWith: 'channel=bollinger' },
          { key: 'bollingerDeviations', readOnlyWith: 'channel=bollinger' },
        ]
      : [{ key: 'donchianPeriod', readOnlyWith: 'channel=donchian' }],
};

/**
 * One range as a variant reads it: the edges the previous close went beyond, the edges this close
 * came back inside, the middle it is faded towards, and the unit its excursion is measured in.
 */
interface RangeEdges {
  beyondLower: number;
  beyondUpper: number;
  insideLower: number;
  insideUpper: number;
  middle: number;
  /** Half the width of the range this close is read against: the room to the middle is a share of it. */
  halfWidth: number;
  excursionUnit: number;
  /** Excursion, in units, that scores 1. */
  fullExcursion: number;
}

/**
 * The shared rule: the previous close beyond one edge, this one back inside it and short of the
 * middle, in a ranging market → fade towards the middle, the stop beyond the two bars' extreme.
 * `features` names what the variant read; the excursion and room to the middle are added to them.
 */
function fadeToMiddle(
  { window, instrument }: StrategyInput,
  params: RangeReversionParams,
  edges: RangeEdges,
  features: (excursion: number) => Record<string, number>,
): StrategyHit | null {
  const close = window.close(0);
  const previousClose = window.close(1);
  const { middle } = edges;
  const direction: TradeSide | null =
    previousClose < edges.beyondLower && close > edges.insideLower && close < Math.min(middle, edges.insideUpper)
      ? 'buy'
      : previousClose > edges.beyondUpper && close < edges.insideUpper && close > Math.max(middle, edges.insideLower)
        ? 'sell'
        : null;
  if (direction === null) return null;
  const adx = window.adx(params.adxPeriod, 0);
  if (!(adx < params.adxMax)) return null;

  const excursion =
    (direction === 'buy' ? edges.beyondLower - previousClose : previousClose - edges.beyondUpper) / edges.excursionUnit;
  const roomToMiddle = (direction === 'buy' ? middle - close : close - middle) / edges.halfWidth;
  const extreme =
    direction === 'buy' ? Math.min(window.low(0), window.low(1)) : Math.max(window.high(0), window.high(1));
  return {
    direction,
    score: meanScore([progress(adx, params.adxMax, 0), progress(excursion, 0, edges.fullExcursion), roomToMiddle]),
    entryPrice: close,
    stopLoss: stopBeyond(extreme, direction, params.stopBufferPips, instrument),
    takeProfit: roundPrice(middle, instrument),
    features: { adx, ...features(excursion), previousClose, roomToMiddle },
  };
}

function bollingerReversion(input: StrategyInput, params: RangeReversionParams): StrategyHit | null {
  const { window } = input;
  // The band tests first, the ADX after: most bars fail the former (the same verdict either way).
  const previousClose = window.close(1);
  const bands = { period: params.bollingerPeriod, deviations: params.bollingerDeviations };
  const previousUpper = window.bollingerUpper(bands, 1);
  const previousLower = window.bollingerLower(bands, 1);
  if (!(previousClose < previousLower || previousClose > previousUpper)) return null;
  const upper = window.bollingerUpper(bands, 0);
  const middle = window.bollingerMiddle(bands, 0);
  const lower = window.bollingerLower(bands, 0);
  const edges = {
    beyondLower: previousLower,
    beyondUpper: previousUpper,
    insideLower: lower,
    insideUpper: upper,
    middle,
    halfWidth: (upper - lower) / 2,
    // One σ of the previous bar's bands.
    excursionUnit: (previousUpper - previousLower) / (2 * params.bollingerDeviations),
    fullExcursion: FULL_EXCURSION_SIGMA,
  };
  return fadeToMiddle(input, params, edges, (excursionSigma) => ({
    bollingerUpper: upper,
    bollingerMiddle: middle,
    bollingerLower: lower,
    excursionSigma,
  }));
}

/**
 * The Donchian variant: the previous bar closed beyond the channel of the donchianPeriod bars
 * before it, and this one closes back inside it, short of the middle of the channel ending on it.
 */
function donchianReversion(input: StrategyInput, params: RangeReversionParams): StrategyHit | null {
  const { window } = input;
  const period = params.donchianPeriod;
  const previousClose = window.close(1);
  // The channel before the previous bar, scanned until the close is seen inside it: most bars.
  let priorHigh = -Infinity;
  let priorLow = Infinity;
  for (let back = 2; back <= period + 1; back++) {
    priorHigh = Math.max(priorHigh, window.high(back));
    priorLow = Math.min(priorLow, window.low(back));
    if (priorLow <= previousClose && previousClose <= priorHigh) return null;
  }
  if (!(priorHigh > priorLow)) return null;
  let high = -Infinity;
  let low = Infinity;
  for (let back = 0; back < period; back++) {
    high = Math.max(high, window.high(back));
    low = Math.min(low, window.low(back));
  }
  const edges = {
    beyondLower: priorLow,
    beyondUpper: priorHigh,
    insideLower: priorLow,
    insideUpper: priorHigh,
    middle: (high + low) / 2,
    halfWidth: (high - low) / 2,
    excursionUnit: (priorHigh - priorLow) / 2,
    fullExcursion: FULL_EXCURSION_HALF_WIDTH,
  };
  return fadeToMiddle(input, params, edges, (excursion) => ({
    priorHigh,
    priorLow,
    donchianUpper: high,
    donchianMiddle: edges.middle,
    donchianLower: low,
    excursion,
  }));
}
