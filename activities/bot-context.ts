// What every step starts from: the bot with its validated settings, its broker, its order store
// and the cycle it runs in. A missing bot or broken settings is not worth a retry.
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure, asyncLocalStorage } from '@temporalio/activity';
import { z } from 'zod';
import type { BrokerPort } from '../brokers/port.ts';
import { Bot, type IBot } from '../db/entities/index.ts';
import { OrderStore, type AuditTrace, type OrderOutcome, type OrderVenue } from '../db/orders/index.ts';
import type { InstrumentSpec } from '../trading/market.ts';
import { riskSettingsSchema, type RiskSettings } from '../trading/risk/index.ts';
import {
  STRATEGY_NAMES,
  strategyParamsSchema,
  type StrategyName,
  type StrategyParams,
} from '../trading/strategies/index.ts';
import type { ActivityDeps } from './deps.ts';

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
  const bot = await em.findOne(Bot, botId);
  if (!bot) throw ApplicationFailure.nonRetryable(`bot ${botId} does not exist`, 'BotNotFound');
  return {
    bot,
    enabled: setting(botId, 'enabledStrategies', z.array(z.enum(STRATEGY_NAMES)), bot.enabledStrategies),
    strategyParams: setting(botId, 'strategyParams', strategyParamsSchema, bot.strategyParams),
    risk: setting(botId, 'riskSettings', riskSettingsSchema, bot.riskSettings),
  };
}

/** The cycle this activity runs for, so audit rows link to it in the Web UI; null outside one. */
export function currentTrace(): AuditTrace | null {
  const execution = asyncLocalStorage.getStore()?.info.workflowExecution;
  return execution ? { workflowId: execution.workflowId, runId: execution.runId } : null;
}

/** How long this attempt may run (its start-to-close timeout); null outside an activity. */
export function attemptTimeoutMs(): number | null {
  return asyncLocalStorage.getStore()?.info.startToCloseTimeoutMs ?? null;
}

/** The order store of this attempt; every send it makes is counted, and `onSent` sees it too. */
export function orderStoreFor(deps: ActivityDeps, onSent?: (outcome: OrderOutcome) => void): OrderStore {
  return new OrderStore(deps.orm, {
    now: deps.now,
    logger: deps.logger,
    trace: currentTrace(),
    onSent: (outcome) => {
      deps.metrics.ordersCreated.inc({ status: outcome.status, purpose: outcome.purpose });
      onSent?.(outcome);
    },
  });
}

export function venueOf(context: BotContext, broker: BrokerPort, instrument: InstrumentSpec): OrderVenue {
  return { broker, magic: context.bot.magic, deviationPoints: context.risk.deviationPoints, instrument };
}
