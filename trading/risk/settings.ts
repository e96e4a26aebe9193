import { z } from 'zod';

/** A bot's risk settings; `parse({})` yields every default. */
export const riskSettingsSchema = z.object({
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
    .describe("Unrealised loss, in percent of the balance, at which the bot's positions are closed and the bot paused"),
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
      "The bot's net loss in a UTC day, this trade's loss at its stop included, in percent of the balance the day started with, beyond which it opens nothing until the next day; 0 = no limit",
    ),
  deviationPoints: z
    .number()
    .int()
    .min(0)
    .default(20)
    .describe('Largest accepted slippage, in points, when the order is sent'),
});

export type RiskSettings = z.output<typeof riskSettingsSchema>;
