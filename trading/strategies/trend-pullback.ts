// Trend pullback: in a trend (EMA(50) above/below EMA(200), confirmed by EMA(50) sloping that
// way or by ADX(14) ≥ 25), the bar dips to EMA(20) and closes back in the trend's direction.
// The stop goes beyond the pullback's extreme.
import { z } from 'zod';
import type { TradeSide } from '../market.ts';
import { priceToPips } from '../rounding.ts';
import { stopBeyond, targetAtRewardRisk } from './protective-levels.ts';
import { meanScore, progress } from './scoring.ts';
import type { Strategy } from './strategy.ts';

/** ADX at which trend strength scores 1. */
const STRONG_TREND_ADX = 50;

const period = z.number().int().min(2);

export const trendPullbackParamsSchema = z.object({
  fastEmaPeriod: period.default(20).describe('EMA the pullback must touch'),
  midEmaPeriod: period.default(50).describe('EMA whose position and slope define the trend'),
  slowEmaPeriod: period.default(200).describe('EMA the mid EMA is compared with'),
  slopeBars: z.number().int().min(1).default(5).describe('Bars over which the mid EMA slope is measured'),
  adxPeriod: period.default(14).describe('ADX period'),
  adxTrendMin: z
    .number()
    .min(0)
    .max(100)
    .default(25)
    .describe('ADX at or above which the trend counts as confirmed, whatever the EMA slope'),
  swingBars: z
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('Bars (ending at the signal bar) whose extreme is the pullback extreme'),
  stopBufferPips: z.number().nonnegative().default(1).describe('Stop this many pips beyond the pullback extreme'),
  rewardRisk: z.number().positive().default(1.5).describe('Take-profit distance as a multiple of the stop distance'),
});

export type TrendPullbackParams = z.output<typeof trendPullbackParamsSchema>;

export const trendPullback: Strategy<TrendPullbackParams> = {
  // The trend is read on the bar before the signal bar, so that bar needs every warm-up too.
  minBars: (params) =>
    1 +
    Math.max(
      params.slowEmaPeriod,
      params.midEmaPeriod + params.slopeBars,
      params.fastEmaPeriod,
      2 * params.adxPeriod - 1,
      params.swingBars,
    ),

  evaluate({ bars, indicators, instrument }, params) {
    if (bars.length < trendPullback.minBars(params)) return null;
    const last = bars.length - 1;
    const bar = bars[last]!;
    const emaFast = indicators.ema(params.fastEmaPeriod)[last]!;
    // The trend the bar pulls back from, as it stood before the bar: the signal bar must not
    // establish its own trend. EMA(50) against EMA(200) gives the direction; its slope or a
    // strong ADX confirms it. (+DI/−DI are not used: a pullback's wick swings them against the trend.)
    const before = last - 1;
    const emaMidSeries = indicators.ema(params.midEmaPeriod);
    const emaMid = emaMidSeries[before]!;
    const emaMidSlope = emaMid - emaMidSeries[before - params.slopeBars]!;
    const emaSlow = indicators.ema(params.slowEmaPeriod)[before]!;
    const adx = indicators.adx(params.adxPeriod).adx[before]!;
    const direction: TradeSide | null = emaMid > emaSlow ? 'buy' : emaMid < emaSlow ? 'sell' : null;
    if (direction === null) return null;
    const slopeConfirms = direction === 'buy' ? emaMidSlope > 0 : emaMidSlope < 0;
    const adxConfirms = adx >= params.adxTrendMin;
    if (!slopeConfirms && !adxConfirms) return null;

    const touched =
      direction === 'buy'
        ? bar.low <= emaFast && bar.close > emaFast && bar.close > bar.open
        : bar.high >= emaFast && bar.close < emaFast && bar.close < bar.open;
    if (!touched) return null;

    const swing = bars.slice(bars.length - params.swingBars);
    const extreme = direction === 'buy' ? Math.min(...swing.map((b) => b.low)) : Math.max(...swing.map((b) => b.high));
    const range = bar.high - bar.low;
    const rejectionRatio = (direction === 'buy' ? bar.close - bar.low : bar.high - bar.close) / range;
    const confirmations = Number(slopeConfirms) + Number(adxConfirms);
    const stopLoss = stopBeyond(extreme, direction, params.stopBufferPips, instrument);
    return {
      direction,
      score: meanScore([rejectionRatio, progress(adx, 0, STRONG_TREND_ADX), confirmations / 2]),
      entryPrice: bar.close,
      stopLoss,
      takeProfit: targetAtRewardRisk(bar.close, stopLoss, direction, params.rewardRisk, instrument),
      features: {
        emaFast,
        emaMid,
        emaSlow,
        emaMidSlope,
        adx,
        slopeConfirms: Number(slopeConfirms),
        adxConfirms: Number(adxConfirms),
        touchDepthPips: priceToPips(direction === 'buy' ? emaFast - bar.low : bar.high - emaFast, instrument),
        rejectionRatio,
        pullbackExtreme: extreme,
      },
    };
  },
};
