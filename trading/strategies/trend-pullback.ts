// Trend pullback: in a trend — EMA(50) above (below) EMA(200), EMA(50) rising (falling) and
// ADX(14) ≥ 25 — the bar dips to EMA(20) and closes back in the trend's direction. The stop goes
// beyond the pullback's extreme.
import { z } from 'zod';
import type { MarketWindow } from '../indicators/market-window.ts';
import type { TradeSide } from '../market.ts';
import { priceToPips } from '../rounding.ts';
import { stopBeyond, targetAtRewardRisk } from './protective-levels.ts';
import { meanScore, progress } from './scoring.ts';
import type { Strategy } from './strategy.ts';

/** ADX at which trend strength scores 1. */
const STRONG_TREND_ADX = 50;

const period = z.number().int().min(2);

// No publication defines this strategy: its periods, thresholds and exits are the project's choices
// (the trend by EMA(50) against EMA(200), by position and slope, confirmed by ADX(14)); only ADX(14)
// is published, by Wilder (New Concepts in Technical Trading Systems, 1978).
export const trendPullbackParamsSchema = z.object({
  fastEmaPeriod: period.default(20).describe("EMA the pullback must touch (20: the project's choice)"),
  midEmaPeriod: period.default(50).describe("EMA whose position and slope give the trend (50: the project's choice)"),
  slowEmaPeriod: period.default(200).describe("EMA the mid EMA is compared with (200: the project's choice)"),
  slopeBars: z
    .number()
    .int()
    .min(1)
    .default(5)
    .describe("Bars over which the mid EMA's slope is measured (5: the project's choice)"),
  adxPeriod: period.default(14).describe('ADX period (14: Wilder, New Concepts in Technical Trading Systems, 1978)'),
  adxTrendMin: z
    .number()
    .min(0)
    .max(100)
    .default(25)
    .describe("ADX at or above which the market trends (25: the project's choice)"),
  // Read as "either confirms", the design's "(or ADX(14) > 25)" bought at ADX 19.65, in no trend at
  // all. The default asks for position, slope and ADX together.
  trendConfirmation: z
    .enum(['adx_and_slope', 'adx', 'adx_or_slope'])
    .default('adx_and_slope')
    .describe(
      'What confirms the EMA(50)/EMA(200) direction: adx_and_slope = ADX ≥ adxTrendMin and the mid EMA sloping that way; adx = ADX alone; adx_or_slope = either (the earlier, lax rule)',
    ),
  swingBars: z
    .number()
    .int()
    .min(1)
    .default(5)
    .describe("Bars (ending at the signal bar) whose extreme is the pullback extreme (5: the project's choice)"),
  stopBufferPips: z
    .number()
    .nonnegative()
    .default(1)
    .describe("Stop this many pips beyond the pullback extreme (the project's choice)"),
  rewardRisk: z
    .number()
    .positive()
    .default(1.5)
    .describe("Take-profit distance as a multiple of the stop distance (the project's choice)"),
});

export type TrendPullbackParams = z.output<typeof trendPullbackParamsSchema>;

/** The lowest low (buy) or highest high (sell) of the last `bars` bars, the signal bar included. */
function swingExtreme(window: MarketWindow, direction: TradeSide, bars: number): number {
  let extreme = direction === 'buy' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (let back = bars - 1; back >= 0; back--) {
    extreme = direction === 'buy' ? Math.min(extreme, window.low(back)) : Math.max(extreme, window.high(back));
  }
  return extreme;
}

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

  plan: (params) => ({
    ema: [params.fastEmaPeriod, params.midEmaPeriod, params.slowEmaPeriod],
    adx: [params.adxPeriod],
    depth: Math.max(params.slopeBars + 2, params.swingBars),
  }),

  evaluate({ window, instrument }, params) {
    if (window.count < trendPullback.minBars(params)) return null;
    // The touch first: most bars do not dip to EMA(20) and close back, and it needs one EMA only.
    const emaFast = window.ema(params.fastEmaPeriod, 0);
    const open = window.open(0);
    const high = window.high(0);
    const low = window.low(0);
    const close = window.close(0);
    const touched: TradeSide | null =
      low <= emaFast && close > emaFast && close > open
        ? 'buy'
        : high >= emaFast && close < emaFast && close < open
          ? 'sell'
          : null;
    if (touched === null) return null;
    // The trend the bar pulls back from, as it stood before the bar: the signal bar must not
    // establish its own trend. EMA(50) against EMA(200) gives the direction; ADX says there is a
    // trend and the slope that it still runs that way. (+DI/−DI are not used: a pullback's wick
    // swings them against the trend.)
    const emaMid = window.ema(params.midEmaPeriod, 1);
    const emaSlow = window.ema(params.slowEmaPeriod, 1);
    const direction: TradeSide | null = emaMid > emaSlow ? 'buy' : emaMid < emaSlow ? 'sell' : null;
    if (direction !== touched) return null;
    const emaMidSlope = emaMid - window.ema(params.midEmaPeriod, 1 + params.slopeBars);
    const adx = window.adx(params.adxPeriod, 1);
    const slopeConfirms = direction === 'buy' ? emaMidSlope > 0 : emaMidSlope < 0;
    const adxConfirms = adx >= params.adxTrendMin;
    const confirmed =
      params.trendConfirmation === 'adx'
        ? adxConfirms
        : params.trendConfirmation === 'adx_or_slope'
          ? adxConfirms || slopeConfirms
          : adxConfirms && slopeConfirms;
    if (!confirmed) return null;

    const extreme = swingExtreme(window, direction, params.swingBars);
    const range = high - low;
    const rejectionRatio = (direction === 'buy' ? close - low : high - close) / range;
    const confirmations = Number(slopeConfirms) + Number(adxConfirms);
    const stopLoss = stopBeyond(extreme, direction, params.stopBufferPips, instrument);
    return {
      direction,
      score: meanScore([rejectionRatio, progress(adx, 0, STRONG_TREND_ADX), confirmations / 2]),
      entryPrice: close,
      stopLoss,
      takeProfit: targetAtRewardRisk(close, stopLoss, direction, params.rewardRisk, instrument),
      features: {
        emaFast,
        emaMid,
        emaSlow,
        emaMidSlope,
        adx,
        slopeConfirms: Number(slopeConfirms),
        adxConfirms: Number(adxConfirms),
        touchDepthPips: priceToPips(direction === 'buy' ? emaFast - low : high - emaFast, instrument),
        rejectionRatio,
        pullbackExtreme: extreme,
      },
    };
  },
};
