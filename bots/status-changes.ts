// A bot's trading status changed by its operator — pause, resume, reduce — in its row and its
// schedule, in the order that keeps a pause holding whatever fails or runs alongside it.
import { OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ScheduleNotFoundError } from '@temporalio/client';
import { AuditLog, type BotStatus, type IBot } from '../db/entities/index.ts';
import { auditBot, findBot, flushBotLocked } from './bot-rows.ts';
import { BotConflictError, BotNotFoundError } from './errors.ts';
import { upsertLiveBotSchedule } from './live-bot-schedule.ts';
import { type BotSchedules, SchedulePausedMeanwhileError } from './schedule.ts';

/** Writes of a pause's row before it gives up on a row that keeps changing under it. */
const PAUSE_WRITE_TRIES = 3;

const STATUS_EVENTS: Record<BotStatus, string> = {
  active: 'bot_resumed',
  reducing: 'bot_reducing',
  paused: 'bot_paused',
};

export class BotStatusChanges {
  private readonly em: EntityManager;
  private readonly schedules: BotSchedules;

  constructor(em: EntityManager, schedules: BotSchedules) {
    this.em = em;
    this.schedules = schedules;
  }

  /**
   * A pause stops the schedule first: it holds even if writing the row then fails. It always wins:
   * a row changed meanwhile (a resume or reduce saved first) is read again and written paused, and
   * the schedule is paused again once the row is — that resume may have unpaused it in between.
   */
  async pause(botId: number, reason: string): Promise<IBot> {
    await this.schedules.pause(botId, reason);
    for (let tries = 1; ; tries++) {
      const em = this.em.fork();
      const bot = await this.statusWritten(em, botId, 'paused', reason);
      try {
        await em.flush();
      } catch (error) {
        if (!(error instanceof OptimisticLockError)) throw error;
        if (tries < PAUSE_WRITE_TRIES) continue;
        throw new BotConflictError(
          `bot ${botId} was changed concurrently ${tries} times: its schedule is paused, its row not`,
          'version',
        );
      }
      await this.schedules.pause(botId, reason);
      return bot;
    }
  }

  /**
   * A resume or a reduce writes the row first, so that a concurrent change refuses it (409) before
   * any cycle starts; a schedule gone missing is made again, running.
   */
  async run(botId: number, status: Exclude<BotStatus, 'paused'>, reason: string): Promise<IBot> {
    const em = this.em.fork();
    const bot = await this.statusWritten(em, botId, status, reason);
    await flushBotLocked(em, botId);
    try {
      await this.schedules.resume(botId, reason);
    } catch (error) {
      if (error instanceof SchedulePausedMeanwhileError)
        throw new BotConflictError(
          `bot ${botId} was paused ("${error.note}") while it resumed: it stays paused; resume it again to lift that pause`,
          'status',
        );
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      if (!(await upsertLiveBotSchedule(this.em, this.schedules, bot))) throw new BotNotFoundError(botId);
    }
    await this.pauseWins(botId);
    return bot;
  }

  /**
   * A pause whose row was written while this resume went out, with the note of the pause it
   * lifted (so the schedule could not tell them apart), is paused again: pause wins.
   */
  private async pauseWins(botId: number): Promise<void> {
    const em = this.em.fork();
    if ((await findBot(em, botId)).status !== 'paused') return;
    const pause = await em.findOne(AuditLog, { bot: botId, event: STATUS_EVENTS.paused }, { orderBy: { id: 'desc' } });
    await this.schedules.pause(botId, pause?.reason ?? 'paused');
    throw new BotConflictError(`bot ${botId} was paused while it resumed: it stays paused`, 'status');
  }

  /** The bot read into `em` with its new status and the audit row saying why, not yet flushed. */
  private async statusWritten(em: EntityManager, botId: number, status: BotStatus, reason: string): Promise<IBot> {
    const bot = await findBot(em, botId);
    bot.status = status;
    // Marks the change even when the status stays: lists confirm a lagging listing for recent changes.
    bot.updatedAt = new Date();
    auditBot(em, bot, STATUS_EVENTS[status], reason);
    return bot;
  }
}
