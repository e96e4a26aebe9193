// What the worker's gauges read from the database at each scrape, so that every replica reports
// the same current values and a bot that is gone leaves them: the bots whose automatic kill-switch
// tripped, and each bot's open positions with their unrealised P&L as the book holds them (its last
// reconcile). A read that fails is logged and leaves the last scrape's values.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Position } from '../db/entities/index.ts';
import type { Orm } from '../db/orm.ts';
import type { Logger } from '../infra/logger.ts';
import type { EngineMetricSources, OpenBook } from '../infra/metrics.ts';
import { trippedBotIds } from './bot-rows.ts';

/** Each bot's open positions and their summed unrealised P&L. */
export async function openBookByBot(em: EntityManager): Promise<OpenBook[]> {
  const positions = await em.find(Position, { status: 'open' }, { fields: ['bot', 'unrealizedPnl'] });
  const byBot = new Map<number, OpenBook>();
  for (const position of positions) {
    const bot = position.bot.id;
    const book = byBot.get(bot) ?? { bot, open: 0, unrealizedPnl: 0 };
    book.open++;
    book.unrealizedPnl += position.unrealizedPnl ?? 0;
    byBot.set(bot, book);
  }
  return [...byBot.values()];
}

export function databaseMetricSources(
  orm: Orm,
  logger: Logger,
): Required<Pick<EngineMetricSources, 'trippedBots' | 'openBook'>> {
  const read =
    <T>(what: string, query: (em: EntityManager) => Promise<T>) =>
    async (): Promise<T | null> => {
      try {
        return await query(orm.em.fork() as EntityManager);
      } catch (error) {
        logger.error({ err: error }, `cannot read ${what} for the worker's metrics`);
        return null;
      }
    };
  return {
    trippedBots: read('the bots whose kill-switch tripped', trippedBotIds),
    openBook: read("the bots' open positions", openBookByBot),
  };
}
