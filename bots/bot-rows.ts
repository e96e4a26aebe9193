// A bot's row as the bot services read and write it: found or a 404, audited with why, and
// written under its version lock.
import { OptimisticLockError, raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditLog, Bot, type IBot } from '../db/entities/index.ts';
import { BotConflictError, BotNotFoundError } from './errors.ts';

/** The audit event of a bot's pause (by its operator or a status change). */
export const BOT_PAUSED_EVENT = 'bot_paused';

export async function findBot(em: EntityManager, botId: number): Promise<IBot> {
  const bot = await em.findOne(Bot, botId);
  if (!bot) throw new BotNotFoundError(botId);
  return bot;
}

export function auditBot(em: EntityManager, bot: IBot, event: string, reason: string, data?: Record<string, unknown>) {
  // The entity, not its id: a new bot has no id until the flush that writes this row too.
  em.create(AuditLog, {
    bot,
    entity: 'bot',
    entityId: bot.id ? String(bot.id) : null,
    event,
    reason,
    data: data ?? null,
  });
}

/** Writes the bot's row; one changed by someone else since it was read is a 409 to reload and retry. */
export async function flushBotLocked(em: EntityManager, botId: number): Promise<void> {
  try {
    await em.flush();
  } catch (error) {
    if (error instanceof OptimisticLockError)
      throw new BotConflictError(`bot ${botId} was changed concurrently: reload and retry`, 'version');
    throw error;
  }
}

/** The reason the bot was last paused for, from its audit trail: the note a pause put back carries. */
export async function lastPauseReason(em: EntityManager, botId: number): Promise<string> {
  const pause = await em.findOne(AuditLog, { bot: botId, event: BOT_PAUSED_EVENT }, { orderBy: { id: 'desc' } });
  return pause?.reason || 'paused';
}

/**
 * Records the automatic kill-switch's trip on the bot's row. Its version goes up: a resume or a
 * reduce that read the row before the trip fails its write (409) rather than clear a trip it never saw.
 */
export async function markKillSwitchTripped(
  em: EntityManager,
  botId: number,
  reason: string,
  trippedAt = new Date(),
): Promise<void> {
  await em.nativeUpdate(
    Bot,
    { id: botId },
    {
      killSwitchTrippedAt: trippedAt,
      killSwitchReason: reason,
      updatedAt: new Date(),
      version: raw<number>('version + 1'),
    },
  );
}

/** The live bots whose automatic kill-switch's trip is on their row (not lifted yet). */
export async function trippedBotIds(em: EntityManager): Promise<number[]> {
  const bots = await em.find(Bot, { killSwitchTrippedAt: { $ne: null } }, { fields: ['id'], orderBy: { id: 'asc' } });
  return bots.map((bot) => bot.id);
}
