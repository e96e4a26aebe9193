import { z } from 'zod';

/** A bot's risk settings; `parse({})` yields every default. */
export const riskSettingsSchema = z
  .object({
    decisionMinScore: z.number().min(0).max(1).default(0.5).describe('Lowest signal score that may open a trade'),
    maxConcurrentPositions: z
      .number()
      .int()
      .min(0)
      .default(3)
      .describe('Most open positions the bot may hold (its own, by magic)'),
    maxAccountPositions: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe("Most open positions on the bot's whole account, other bots' and manual ones included; 0 = no cap"),
    riskPerTradePct: z
      .number()
      .gt(0)
      .max(100)
      .default(0.5)
      .describe(
        'Percent of the balance a trade may lose if its stop-loss is hit, spread paid at entry and round-trip commission included; sizes every position',
      ),
    defaultSlPips: z.number().gt(0).default(30).describe('Stop-loss distance when the strategy suggests none'),
    defaultTpPips: z
      .number()
      .min(0)
      .default(45)
      .describe('Take-profit distance when the strategy suggests none; 0 = no take-profit'),
    trailingStopPips: z.number().min(0).default(20).describe('Trailing stop distance; 0 = no trailing'),
    killSwitchMaxUnrealizedPct: z
      .number()
      .gt(0)
      .max(100)
      .default(3)
      .describe(
        "Unrealised loss, in percent of the balance, at which the bot's positions are closed and the bot paused",
      ),
    correlationBlock: z
      .boolean()
      .default(true)
      .describe(
        'Block a trade while a position is open on another symbol of the same correlation group, or in the opposite direction on this symbol',
      ),
    cooldownAfterLossMinutes: z
      .number()
      .min(0)
      .default(5)
      .describe('Minutes after a losing trade closes during which no trade opens'),
    maxDailyLossPct: z
      .number()
      .min(0)
      .max(100)
      .default(0)
      .describe(
        "Most the bot may lose in a UTC day, in percent of the balance the day started with: a trade opens only if the day's realised P&L, less what its open positions and this trade lose at their stops, stays within it; 0 = no limit",
      ),
    deviationPoints: z
      .number()
      .int()
      .min(0)
      .default(20)
      .describe('Largest accepted slippage, in points, when the order is sent'),
  })
  // Below one trade's risk the limit would refuse nearly every trade, the day's first included.
  .refine((settings) => settings.maxDailyLossPct === 0 || settings.maxDailyLossPct >= settings.riskPerTradePct, {
    path: ['maxDailyLossPct'],
    message: "must be 0 (no limit) or at least riskPerTradePct: below one trade's risk it refuses nearly every trade",
  });

export type RiskSettings = z.output<typeof riskSettingsSchema>;
