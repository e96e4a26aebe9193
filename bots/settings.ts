// A bot's settings: what a new bot and a change of settings accept, and the lookback they imply.
// The API's request schemas, the CLI and the service all validate with these.
import { z } from 'zod';
import { riskSettingsSchema } from '../trading/risk/index.ts';
import { STRATEGY_NAMES, strategyParamsSchema } from '../trading/strategies/index.ts';
import { MAX_LOOKBACK, MIN_LOOKBACK } from '../trading/strategies/lookback.ts';

export { DEFAULT_LOOKBACK, lookbackFor } from '../trading/strategies/lookback.ts';

export const botSettingsShape = {
  autoTrade: z.boolean(),
  enabledStrategies: z.array(z.enum(STRATEGY_NAMES)).min(1),
  scheduleIntervalSeconds: z.number().int().min(15).max(3600),
  /**
   * null: a cycle every scheduleIntervalSeconds (the seed's 45 s acts on a closed bar ~22 s late on
   * average). A number: a cycle that many seconds after each M1 bar closes, the interval unused.
   */
  barCloseDelaySeconds: z.number().int().min(0).max(30).nullable(),
  lookback: z.number().int().min(MIN_LOOKBACK).max(MAX_LOOKBACK),
};

/** Who the bot is and where it trades; the symbol must be one its broker account offers. */
export const placementShape = {
  name: z.string().min(1).max(100),
  symbol: z.string().min(1).max(32),
  brokerAccount: z.string().min(1).max(100),
};

export const newBotSchema = z
  .object({
    name: placementShape.name,
    symbol: placementShape.symbol,
    autoTrade: botSettingsShape.autoTrade.default(false),
    enabledStrategies: botSettingsShape.enabledStrategies.default([...STRATEGY_NAMES]),
    strategyParams: strategyParamsSchema.prefault({}),
    riskSettings: riskSettingsSchema.strict().prefault({}),
    brokerAccount: placementShape.brokerAccount.default('paper-1'),
    scheduleIntervalSeconds: botSettingsShape.scheduleIntervalSeconds.default(45),
    barCloseDelaySeconds: botSettingsShape.barCloseDelaySeconds.default(null),
    lookback: botSettingsShape.lookback.optional(),
    paused: z.boolean().default(false),
  })
  .strict();

/**
 * A change of settings: strategy parameters and risk settings are merged into the current ones.
 * A new symbol or broker account needs the bot flat: its open positions are on the old ones.
 */
export const botUpdateSchema = z
  .object({
    ...placementShape,
    ...botSettingsShape,
    strategyParams: z.record(z.string(), z.record(z.string(), z.unknown())),
    riskSettings: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();

export type NewBot = z.input<typeof newBotSchema>;
export type BotUpdate = z.input<typeof botUpdateSchema>;

/** Setting names in `input` that the parsed settings do not know: a typo must not pass silently. */
export function unknownSettings(
  input: { strategyParams?: Record<string, object> | undefined; riskSettings?: object | undefined },
  strategyParams: Record<string, object>,
  riskSettings: object,
): string[] {
  const unknownRisk = Object.keys(input.riskSettings ?? {}).filter((key) => !(key in riskSettings));
  const unknownParams = Object.entries(input.strategyParams ?? {}).flatMap(([name, params]) => {
    const known = strategyParams[name];
    if (!known) return [`strategyParams.${name}`];
    return Object.keys(params)
      .filter((key) => !(key in known))
      .map((key) => `strategyParams.${name}.${key}`);
  });
  return [...unknownRisk.map((key) => `riskSettings.${key}`), ...unknownParams];
}
