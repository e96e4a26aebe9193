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
// below 20–25; a close outside Bollinger(20, 2σ) and back inside is faded towards the middle band);
// the indicators and their periods are published.
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
};

function bollingerReversion({ window, instrument }: StrategyInput, params: RangeReversionParams): StrategyHit | null {
  // The band tests first, the ADX after: most bars fail the former (the same verdict either way).
  const close = window.close(0);
  const previousClose = window.close(1);
  const bands = { period: params.bollingerPeriod, deviations: params.bollingerDeviations };
  const previousUpper = window.bollingerUpper(bands, 1);
  const previousLower = window.bollingerLower(bands, 1);
  if (!(previousClose < previousLower || previousClose > previousUpper)) return null;
  const upper = window.bollingerUpper(bands, 0);
  const middle = window.bollingerMiddle(bands, 0);
  const lower = window.bollingerLower(bands, 0);
  const direction: TradeSide | null =
    previousClose < previousLower && close > lower && close < middle
      ? 'buy'
      : previousClose > previousUpper && close < upper && close > middle
        ? 'sell'
        : null;
  if (direction === null) return null;
  const adx = window.adx(params.adxPeriod, 0);
  if (!(adx < params.adxMax)) return null;

  const previousSigma = (previousUpper - previousLower) / (2 * params.bollingerDeviations);
  const excursionSigma =
    (direction === 'buy' ? previousLower - previousClose : previousClose - previousUpper) / previousSigma;
  const roomToMiddle = (direction === 'buy' ? middle - close : close - middle) / ((upper - lower) / 2);
  const extreme =
    direction === 'buy' ? Math.min(window.low(0), window.low(1)) : Math.max(window.high(0), window.high(1));
  return {
    direction,
    score: meanScore([
      progress(adx, params.adxMax, 0),
      progress(excursionSigma, 0, FULL_EXCURSION_SIGMA),
      roomToMiddle,
    ]),
    entryPrice: close,
    stopLoss: stopBeyond(extreme, direction, params.stopBufferPips, instrument),
    takeProfit: roundPrice(middle, instrument),
    features: {
      adx,
      bollingerUpper: upper,
      bollingerMiddle: middle,
      bollingerLower: lower,
      previousClose,
      excursionSigma,
      roomToMiddle,
    },
  };
}

/**
 * The Donchian variant: the previous bar closed beyond the channel of the donchianPeriod bars
 * before it, and this one closes back inside, short of the middle of the channel ending on it.
 */
function donchianReversion({ window, instrument }: StrategyInput, params: RangeReversionParams): StrategyHit | null {
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
  const close = window.close(0);
  let high = -Infinity;
  let low = Infinity;
  for (let back = 0; back < period; back++) {
    high = Math.max(high, window.high(back));
    low = Math.min(low, window.low(back));
  }
  const middle = (high + low) / 2;
  const direction: TradeSide | null =
    previousClose < priorLow && close > priorLow && close < middle
      ? 'buy'
      : previousClose > priorHigh && close < priorHigh && close > middle
        ? 'sell'
        : null;
  if (direction === null) return null;
  const adx = window.adx(params.adxPeriod, 0);
  if (!(adx < params.adxMax)) return null;

  const excursion =
    (direction === 'buy' ? priorLow - previousClose : previousClose - priorHigh) / ((priorHigh - priorLow) / 2);
  const roomToMiddle = (direction === 'buy' ? middle - close : close - middle) / ((high - low) / 2);
  const extreme =
    direction === 'buy' ? Math.min(window.low(0), window.low(1)) : Math.max(window.high(0), window.high(1));
  return {
    direction,
    score: meanScore([
      progress(adx, params.adxMax, 0),
      progress(excursion, 0, FULL_EXCURSION_HALF_WIDTH),
      roomToMiddle,
    ]),
    entryPrice: close,
    stopLoss: stopBeyond(extreme, direction, params.stopBufferPips, instrument),
    takeProfit: roundPrice(middle, instrument),
    features: {
      adx,
      donchianUpper: high,
      donchianMiddle: middle,
      donchianLower: low,
      previousClose,
      excursion,
      roomToMiddle,
    },
  };
}
