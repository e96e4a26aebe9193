// Loads a bot and its validated settings; a missing bot or broken settings is not worth a retry.
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/activity';
import { z } from 'zod';
import { Bot, type IBot } from '../db/entities/index.ts';
import { riskSettingsSchema, type RiskSettings } from '../trading/risk/index.ts';
import {
  STRATEGY_NAMES,
  strategyParamsSchema,
  type StrategyName,
  type StrategyParams,
} from '../trading/strategies/index.ts';

export interface BotContext {
  bot: IBot;
  enabled: StrategyName[];
  strategyParams: StrategyParams;
  risk: RiskSettings;
}

function setting<T>(botId: number, field: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw ApplicationFailure.nonRetryable(
      `bot ${botId} ${field}: ${z.prettifyError(result.error)}`,
      'InvalidBotSettings',
    );
  }
  return result.data;
}

export async function loadBot(em: EntityManager, botId: number): Promise<BotContext> {
  const bot = await em.findOne(Bot, { id: botId, deletedAt: null });
  if (!bot) throw ApplicationFailure.nonRetryable(`bot ${botId} does not exist`, 'BotNotFound');
  return {
    bot,
    enabled: setting(botId, 'enabledStrategies', z.array(z.enum(STRATEGY_NAMES)), bot.enabledStrategies),
    strategyParams: setting(botId, 'strategyParams', strategyParamsSchema, bot.strategyParams),
    risk: setting(botId, 'riskSettings', riskSettingsSchema, bot.riskSettings),
  };
}
