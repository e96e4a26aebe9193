// A bot's schedule written from a snapshot of its row, which a deletion or a pause may have
// overtaken. An update cannot bring a deleted bot's schedule back (the deletion removes it, and an
// update finds it gone), nor undo a pause (it keeps the schedule's pause state), but a create can:
// the schedule was missing (a restart's sync, a resume), the snapshot still shows the bot running,
// and the deletion or the pause found no schedule to act on. So a create reads the row again: for
// a bot deleted since it removes what it made, and for one paused since it pauses it. The
// deletion removes the schedule again after its row is written (BotService.remove): whichever
// comes last, no deleted bot keeps a schedule whose cycles would fail every interval.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Bot, DELETED_BOTS_FILTER } from '../db/entities/index.ts';
import { lastPauseReason } from './bot-rows.ts';
import type { BotSchedules, ScheduledBot } from './schedule.ts';

/**
 * Upserts the bot's schedule, paused if the bot was paused meanwhile; says whether it updated one
 * or made one, or null when the bot was deleted meanwhile and has none.
 */
export async function upsertLiveBotSchedule(
  em: EntityManager,
  schedules: BotSchedules,
  bot: ScheduledBot,
): Promise<'created' | 'updated' | null> {
  if ((await schedules.upsert(bot)) === 'updated') return 'updated';
  const fresh = em.fork();
  const row = await fresh.findOne(Bot, bot.id, {
    filters: { [DELETED_BOTS_FILTER]: false },
    fields: ['deletedAt', 'status'],
  });
  if (row === null || row.deletedAt) {
    await schedules.remove(bot.id);
    return null;
  }
  if (row.status === 'paused' && bot.status !== 'paused')
    await schedules.pause(bot.id, await lastPauseReason(fresh, bot.id));
  return 'created';
}
