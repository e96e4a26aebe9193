import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BotService } from '../../bots/service.ts';
import { BOT_STATUSES } from '../../db/entities/index.ts';
import { TRADING_STATES } from '../../trading/trading-state.ts';
import type { ApiDeps } from '../deps.ts';

const botSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  status: z.enum(BOT_STATUSES).describe('What the operator asked for'),
  tradingState: z
    .object({ state: z.enum(TRADING_STATES), reason: z.string() })
    .describe(
      "What the bot does now: the operator's intent, the schedule in Temporal and the global kill-switch together",
    ),
  schedule: z
    .object({
      id: z.string(),
      exists: z.boolean(),
      paused: z.boolean().describe('What Temporal says: a bot paused from the terminal reads true'),
      note: z.string().nullable(),
    })
    .describe("The bot's Temporal Schedule"),
  autoTrade: z.boolean(),
  enabledStrategies: z.array(z.string()),
  scheduleIntervalSeconds: z.number().int(),
  brokerAccount: z.string(),
  magic: z.number().int(),
  createdAt: z.string(),
});

export function botRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const bots = new BotService(deps.orm.em, deps.schedules);
  return async (app) => {
    app.get(
      '/bots',
      {
        schema: {
          summary: 'List bots with their schedule state',
          tags: ['bots'],
          response: { 200: z.object({ items: z.array(botSchema) }) },
        },
      },
      async () => {
        const items = (await bots.list()).map(({ bot, schedule, tradingState }) => ({
          id: bot.id,
          name: bot.name,
          symbol: bot.symbol,
          timeframe: bot.timeframe,
          status: bot.status,
          tradingState: { state: tradingState.state, reason: tradingState.reason },
          schedule,
          autoTrade: bot.autoTrade,
          enabledStrategies: bot.enabledStrategies,
          scheduleIntervalSeconds: bot.scheduleIntervalSeconds,
          brokerAccount: bot.brokerAccount,
          magic: bot.magic,
          createdAt: bot.createdAt.toISOString(),
        }));
        return { items };
      },
    );
  };
}
