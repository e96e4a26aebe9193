// Doji breakout: a doji as TA-Lib's CDLDOJI finds it, then — within a few bars — the first close
// beyond its high (buy) or low (sell). The stop goes beyond the doji's opposite extreme. TA-Lib
// (ta_CDLDOJI.c with the BodyDoji candle setting of ta_global.c: high−low range, 10 bars, factor
// 0.1): |close − open| ≤ 0.1 × the mean high − low of the 10 bars before it.
import { z } from 'zod';
import type { MarketWindow } from '../indicators/market-window.ts';
import type { TradeSide } from '../market.ts';
import { priceToPips } from '../rounding.ts';
import { stopBeyond, targetAtRewardRisk } from './protective-levels.ts';
import { meanScore, progress } from './scoring.ts';
import type { Strategy } from './strategy.ts';

// The doji is TA-Lib's; the breakout window and the exits are the project's choices.
export const dojiBreakoutParamsSchema = z.object({
  maxBodyRatio: z
    .number()
    .gt(0)
    .max(1)
    .default(0.1)
    .describe('Doji body ≤ this × the average range of the bars before it (TA-Lib CDLDOJI, BodyDoji factor 0.1)'),
  averagingBars: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe('Bars before the doji whose high − low ranges are averaged (TA-Lib CDLDOJI, BodyDoji period 10)'),
  breakoutWithinBars: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe("The breakout close must come at most this many bars after the doji (3: the project's choice)"),
  stopBufferPips: z
    .number()
    .nonnegative()
    .default(1)
    .describe("Stop this many pips beyond the doji's opposite extreme (the project's choice)"),
  rewardRisk: z
    .number()
    .positive()
    .default(1.5)
    .describe("Take-profit distance as a multiple of the stop distance (the project's choice)"),
});

export type DojiBreakoutParams = z.output<typeof dojiBreakoutParamsSchema>;

function closedBeyond(close: number, dojiHigh: number, dojiLow: number): TradeSide | null {
  if (close > dojiHigh) return 'buy';
  if (close < dojiLow) return 'sell';
  return null;
}

/** Whether a bar between the doji and the last bar already closed beyond the doji. */
function brokeOutBefore(window: MarketWindow, barsSinceDoji: number): boolean {
  const high = window.high(barsSinceDoji);
  const low = window.low(barsSinceDoji);
  for (let back = barsSinceDoji - 1; back >= 1; back--) {
    const close = window.close(back);
    if (close > high || close < low) return true;
  }
  return false;
}

export const dojiBreakout: Strategy<DojiBreakoutParams> = {
  minBars: (params) => params.averagingBars + 2,

  // The range mean before a doji up to breakoutWithinBars back is read one bar further back still.
  plan: (params) => ({ rangeMean: [params.averagingBars], depth: params.breakoutWithinBars + 2 }),

  evaluate({ window, instrument }, params) {
    if (window.count < dojiBreakout.minBars(params)) return null;
    // The most recent doji whose first breakout close is the last bar.
    for (let barsSinceDoji = 1; barsSinceDoji <= params.breakoutWithinBars; barsSinceDoji++) {
      if (window.count - 1 - barsSinceDoji < params.averagingBars) break;
      // Every test must pass for this candidate; the one most bars fail (a doji) goes first.
      const avgRange = window.rangeMean(params.averagingBars, barsSinceDoji + 1);
      const body = Math.abs(window.close(barsSinceDoji) - window.open(barsSinceDoji));
      // TA-Lib's comparison as written: after flat bars only a bar without a body is a doji.
      if (body > params.maxBodyRatio * avgRange) continue;
      const direction = closedBeyond(window.close(0), window.high(barsSinceDoji), window.low(barsSinceDoji));
      if (direction === null || brokeOutBefore(window, barsSinceDoji)) continue;
      const dojiHigh = window.high(barsSinceDoji);
      const dojiLow = window.low(barsSinceDoji);
      const close = window.close(0);
      const bodyRatio = body === 0 ? 0 : body / avgRange;

      const breakoutDistance = direction === 'buy' ? close - dojiHigh : dojiLow - close;
      const stopLoss = stopBeyond(
        direction === 'buy' ? dojiLow : dojiHigh,
        direction,
        params.stopBufferPips,
        instrument,
      );
      return {
        direction,
        score: meanScore([progress(bodyRatio, params.maxBodyRatio, 0), progress(breakoutDistance, 0, avgRange)]),
        entryPrice: close,
        stopLoss,
        takeProfit: targetAtRewardRisk(close, stopLoss, direction, params.rewardRisk, instrument),
        features: {
          dojiBodyRatio: bodyRatio,
          averageRangePips: priceToPips(avgRange, instrument),
          barsSinceDoji,
          dojiHigh,
          dojiLow,
          breakoutPips: priceToPips(breakoutDistance, instrument),
        },
      };
    }
    return null;
  },
};
