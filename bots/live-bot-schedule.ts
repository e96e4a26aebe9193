// A bot's schedule written from a snapshot of its row, which a deletion may have overtaken. An
// update cannot bring a deleted bot's schedule back (the deletion removes it, and an update finds
// it gone), but a create can: the schedule was missing (a restart's sync, a resume), the snapshot
// still shows the bot, and its deletion has already removed what there was. So a create reads the
// row again and removes what it made for a bot deleted since. The deletion removes the schedule
// again after its row is written (BotService.remove): whichever comes last, no deleted bot keeps
// a schedule whose cycles would fail every interval.
import type { EntityManager } from '@mikro-orm/postgresql';
import { Bot, DELETED_BOTS_FILTER } from '../db/entities/index.ts';
import type { BotSchedules, ScheduledBot } from './schedule.ts';

/** Upserts the bot's schedule; false when the bot was deleted meanwhile and has none. */
export async function upsertLiveBotSchedule(
  em: EntityManager,
  schedules: BotSchedules,
  bot: ScheduledBot,
): Promise<boolean> {
  if ((await schedules.upsert(bot)) === 'updated') return true;
  const row = await em
    .fork()
    .findOne(Bot, bot.id, { filters: { [DELETED_BOTS_FILTER]: false }, fields: ['deletedAt'] });
  if (row !== null && !row.deletedAt) return true;
  await schedules.remove(bot.id);
  return false;
}
