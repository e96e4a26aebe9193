// Doji breakout (TA-Lib BodyDoji): a bar whose body is tiny against the average range of
// the bars before it, then — within a few bars — the first close beyond its high (buy) or
// low (sell). The stop goes beyond the doji's opposite extreme.
import { z } from 'zod';
import type { Bar, TradeSide } from '../market.ts';
import { priceToPips } from '../rounding.ts';
import { stopBeyond, targetAtRewardRisk } from './protective-levels.ts';
import { meanScore, progress } from './scoring.ts';
import type { Strategy } from './strategy.ts';

export const dojiBreakoutParamsSchema = z.object({
  maxBodyRatio: z
    .number()
    .gt(0)
    .max(1)
    .default(0.1)
    .describe('Largest doji body as a fraction of the average range of the bars before it'),
  averagingBars: z.number().int().min(1).default(10).describe('Bars before the doji whose ranges are averaged'),
  breakoutWithinBars: z
    .number()
    .int()
    .min(1)
    .default(3)
    .describe('The breakout close must come at most this many bars after the doji'),
  stopBufferPips: z
    .number()
    .nonnegative()
    .default(1)
    .describe("Stop this many pips beyond the doji's opposite extreme"),
  rewardRisk: z.number().positive().default(1.5).describe('Take-profit distance as a multiple of the stop distance'),
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
      const bodyRatio = Math.abs(doji.close - doji.open) / avgRange;
      if (!(avgRange > 0) || bodyRatio > params.maxBodyRatio) continue;
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
