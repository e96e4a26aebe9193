// Pin bar (EarnForex Pinbar Detector defaults): a small body at one end of the bar, a long
// nose sticking out beyond the previous bar, and a previous bar of the opposite colour.
import { z } from 'zod';
import type { TradeSide } from '../market.ts';
import { priceToPips } from '../rounding.ts';
import { stopBeyond, targetAtRewardRisk } from './protective-levels.ts';
import { meanScore, progress } from './scoring.ts';
import type { Strategy } from './strategy.ts';

export const pinBarParamsSchema = z.object({
  maxBodyRatio: z.number().gt(0).max(1).default(0.33).describe('Largest body as a fraction of the bar range'),
  bodyZone: z
    .number()
    .gt(0)
    .max(1)
    .default(0.4)
    .describe('The body must lie within this fraction of the range at the end opposite the nose (top for a buy)'),
  minNoseProtrusion: z
    .number()
    .nonnegative()
    .default(0.5)
    .describe("How far the nose must stick out beyond the previous bar's extreme, as a fraction of the pin's range"),
  requireOppositePriorBar: z
    .boolean()
    .default(true)
    .describe('The previous bar must close against the signal (bearish before a buy, bullish before a sell)'),
  stopBufferPips: z.number().nonnegative().default(1).describe("Stop this many pips beyond the nose's tip"),
  rewardRisk: z.number().positive().default(1.5).describe('Take-profit distance as a multiple of the stop distance'),
});

export type PinBarParams = z.output<typeof pinBarParamsSchema>;

export const pinBar: Strategy<PinBarParams> = {
  minBars: () => 2,

  evaluate({ bars, instrument }, params) {
    if (bars.length < pinBar.minBars(params)) return null;
    const pin = bars[bars.length - 1]!;
    const prior = bars[bars.length - 2]!;
    const range = pin.high - pin.low;
    if (range <= 0) return null;

    const bodyRatio = Math.abs(pin.close - pin.open) / range;
    if (bodyRatio > params.maxBodyRatio) return null;

    const bodyTop = Math.max(pin.open, pin.close);
    const bodyBottom = Math.min(pin.open, pin.close);
    const direction: TradeSide | null =
      bodyBottom >= pin.high - params.bodyZone * range
        ? 'buy'
        : bodyTop <= pin.low + params.bodyZone * range
          ? 'sell'
          : null;
    if (direction === null) return null;

    const noseRatio = (direction === 'buy' ? bodyBottom - pin.low : pin.high - bodyTop) / range;
    const protrusionRatio = (direction === 'buy' ? prior.low - pin.low : pin.high - prior.high) / range;
    if (protrusionRatio < params.minNoseProtrusion) return null;

    const priorOpposite = direction === 'buy' ? prior.close < prior.open : prior.close > prior.open;
    if (params.requireOppositePriorBar && !priorOpposite) return null;

    const stopLoss = stopBeyond(direction === 'buy' ? pin.low : pin.high, direction, params.stopBufferPips, instrument);
    return {
      direction,
      score: meanScore([
        progress(bodyRatio, params.maxBodyRatio, 0),
        progress(noseRatio, 1 - params.bodyZone, 1),
        progress(protrusionRatio, params.minNoseProtrusion, 1),
      ]),
      entryPrice: pin.close,
      stopLoss,
      takeProfit: targetAtRewardRisk(pin.close, stopLoss, direction, params.rewardRisk, instrument),
      features: {
        bodyRatio,
        noseRatio,
        protrusionRatio,
        rangePips: priceToPips(range, instrument),
        priorBarBody: prior.close - prior.open,
      },
    };
  },
};
