import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Bot } from '../../db/entities/index.ts';
import type { ApiDeps } from '../deps.ts';

const botSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  symbol: z.string(),
  timeframe: z.string(),
  status: z.enum(['active', 'paused']).describe('What the operator asked for'),
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
        const bots = await deps.orm.em.fork().find(Bot, { deletedAt: null }, { orderBy: { id: 'asc' } });
        const items = await Promise.all(
          bots.map(async (bot) => ({
            id: bot.id,
            name: bot.name,
            symbol: bot.symbol,
            timeframe: bot.timeframe,
            status: bot.status,
            schedule: { id: deps.schedules.idOf(bot.id), ...(await deps.schedules.state(bot.id)) },
            autoTrade: bot.autoTrade,
            enabledStrategies: bot.enabledStrategies,
            scheduleIntervalSeconds: bot.scheduleIntervalSeconds,
            brokerAccount: bot.brokerAccount,
            magic: bot.magic,
            createdAt: bot.createdAt.toISOString(),
          })),
        );
        return { items };
      },
    );
  };
}
