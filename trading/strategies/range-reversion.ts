// Range reversion: in a ranging market (ADX below a threshold) the previous bar closed outside a
// Bollinger band and this bar closes back inside, short of the middle band → fade towards the
// middle band.
import { z } from 'zod';
import type { TradeSide } from '../market.ts';
import { roundPrice } from '../rounding.ts';
import { stopBeyond } from './protective-levels.ts';
import { meanScore, progress } from './scoring.ts';
import type { Strategy } from './strategy.ts';

/** Excursion beyond the band, in standard deviations, that scores 1. */
const FULL_EXCURSION_SIGMA = 1;

// The rule, the ADX threshold and the stop are the project's choices (a ranging market by ADX(14)
// below 20–25; a close outside Bollinger(20, 2σ) and back inside is faded towards the middle band);
// the indicators and their periods are published.
export const rangeReversionParamsSchema = z.object({
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
  stopBufferPips: z
    .number()
    .nonnegative()
    .default(1)
    .describe("Stop this many pips beyond the excursion's extreme, the two bars' low for a buy (the project's choice)"),
});

export type RangeReversionParams = z.output<typeof rangeReversionParamsSchema>;

export const rangeReversion: Strategy<RangeReversionParams> = {
  minBars: (params) => Math.max(2 * params.adxPeriod - 1, params.bollingerPeriod + 1),

  evaluate({ bars, indicators, instrument }, params) {
    if (bars.length < rangeReversion.minBars(params)) return null;
    const last = bars.length - 1;
    const bar = bars[last]!;
    const previous = bars[last - 1]!;
    const adx = indicators.adx(params.adxPeriod).adx[last]!;
    if (!(adx < params.adxMax)) return null;

    const bands = indicators.bollinger(params.bollingerPeriod, params.bollingerDeviations);
    const upper = bands.upper[last]!;
    const middle = bands.middle[last]!;
    const lower = bands.lower[last]!;
    const previousUpper = bands.upper[last - 1]!;
    const previousLower = bands.lower[last - 1]!;
    const direction: TradeSide | null =
      previous.close < previousLower && bar.close > lower && bar.close < middle
        ? 'buy'
        : previous.close > previousUpper && bar.close < upper && bar.close > middle
          ? 'sell'
          : null;
    if (direction === null) return null;

    const previousSigma = (previousUpper - previousLower) / (2 * params.bollingerDeviations);
    const excursionSigma =
      (direction === 'buy' ? previousLower - previous.close : previous.close - previousUpper) / previousSigma;
    const roomToMiddle = (direction === 'buy' ? middle - bar.close : bar.close - middle) / ((upper - lower) / 2);
    const extreme = direction === 'buy' ? Math.min(bar.low, previous.low) : Math.max(bar.high, previous.high);
    return {
      direction,
      score: meanScore([
        progress(adx, params.adxMax, 0),
        progress(excursionSigma, 0, FULL_EXCURSION_SIGMA),
        roomToMiddle,
      ]),
      entryPrice: bar.close,
      stopLoss: stopBeyond(extreme, direction, params.stopBufferPips, instrument),
      takeProfit: roundPrice(middle, instrument),
      features: {
        adx,
        bollingerUpper: upper,
        bollingerMiddle: middle,
        bollingerLower: lower,
        previousClose: previous.close,
        excursionSigma,
        roomToMiddle,
      },
    };
  },
};
