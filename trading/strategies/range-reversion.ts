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

  plan: (params) => ({
    adx: [params.adxPeriod],
    bollinger: [{ period: params.bollingerPeriod, deviations: params.bollingerDeviations }],
    depth: 2,
  }),

  evaluate({ window, instrument }, params) {
    if (window.count < rangeReversion.minBars(params)) return null;
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
  },
};
