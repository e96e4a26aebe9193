// Doji breakout: a doji as TA-Lib's CDLDOJI finds it, then — within a few bars — the first close
// beyond its high (buy) or low (sell). The stop goes beyond the doji's opposite extreme. TA-Lib
// (ta_CDLDOJI.c with the BodyDoji candle setting of ta_global.c: high−low range, 10 bars, factor
// 0.1): |close − open| ≤ 0.1 × the mean high − low of the 10 bars before it.
import { z } from 'zod';
import type { Bar, TradeSide } from '../market.ts';
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

function averageRange(bars: readonly Bar[], from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += bars[i]!.high - bars[i]!.low;
  return sum / (to - from);
}

function closedBeyond(bar: Bar, doji: Bar): TradeSide | null {
  if (bar.close > doji.high) return 'buy';
  if (bar.close < doji.low) return 'sell';
  return null;
}

export const dojiBreakout: Strategy<DojiBreakoutParams> = {
  minBars: (params) => params.averagingBars + 2,

  evaluate({ bars, instrument }, params) {
    if (bars.length < dojiBreakout.minBars(params)) return null;
    const last = bars.length - 1;
    const bar = bars[last]!;
    // The most recent doji whose first breakout close is the last bar.
    for (let barsSinceDoji = 1; barsSinceDoji <= params.breakoutWithinBars; barsSinceDoji++) {
      const dojiIndex = last - barsSinceDoji;
      if (dojiIndex < params.averagingBars) break;
      const doji = bars[dojiIndex]!;
      const avgRange = averageRange(bars, dojiIndex - params.averagingBars, dojiIndex);
      const body = Math.abs(doji.close - doji.open);
      // TA-Lib's comparison as written: after flat bars only a bar without a body is a doji.
      if (body > params.maxBodyRatio * avgRange) continue;
      const bodyRatio = body === 0 ? 0 : body / avgRange;
      if (bars.slice(dojiIndex + 1, last).some((between) => closedBeyond(between, doji) !== null)) continue;
      const direction = closedBeyond(bar, doji);
      if (direction === null) continue;

      const breakoutDistance = direction === 'buy' ? bar.close - doji.high : doji.low - bar.close;
      const stopLoss = stopBeyond(
        direction === 'buy' ? doji.low : doji.high,
        direction,
        params.stopBufferPips,
        instrument,
      );
      return {
        direction,
        score: meanScore([progress(bodyRatio, params.maxBodyRatio, 0), progress(breakoutDistance, 0, avgRange)]),
        entryPrice: bar.close,
        stopLoss,
        takeProfit: targetAtRewardRisk(bar.close, stopLoss, direction, params.rewardRisk, instrument),
        features: {
          dojiBodyRatio: bodyRatio,
          averageRangePips: priceToPips(avgRange, instrument),
          barsSinceDoji,
          dojiHigh: doji.high,
          dojiLow: doji.low,
          breakoutPips: priceToPips(breakoutDistance, instrument),
        },
      };
    }
    return null;
  },
};
