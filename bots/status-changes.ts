// A bot's trading status changed by its operator — pause, resume, reduce — in its row and its
// schedule, in the order that keeps a pause holding whatever fails or runs alongside it.
import { OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ScheduleNotFoundError } from '@temporalio/client';
import { Bot, type BotStatus, type IBot } from '../db/entities/index.ts';
import { auditBot, findBot, flushBotLocked, lastPauseReason } from './bot-rows.ts';
import { BotConflictError, BotNotFoundError } from './errors.ts';
import { upsertLiveBotSchedule } from './live-bot-schedule.ts';
import { type BotSchedules, HALT_NOTE, SchedulePausedMeanwhileError } from './schedule.ts';

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
   * any cycle starts; a schedule gone missing is made again, running (one another process made
   * meanwhile, from an older read, is unpaused as found).
   */
  async run(botId: number, status: Exclude<BotStatus, 'paused'>, reason: string): Promise<IBot> {
    const em = this.em.fork();
    const bot = await this.statusWritten(em, botId, status, reason);
    await flushBotLocked(em, botId);
    try {
      try {
        await this.schedules.resume(botId, reason);
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
        const written = await upsertLiveBotSchedule(this.em, this.schedules, bot);
        if (written === null) throw new BotNotFoundError(botId);
        if (written === 'updated') await this.schedules.resume(botId, reason);
      }
    } catch (error) {
      if (error instanceof SchedulePausedMeanwhileError) await this.refused(bot, status, error.note);
      throw error;
    }
    await this.repauseIfPausedMeanwhile(bot, status);
    return bot;
  }

  /**
   * After the unpause: a bot whose row a pause wrote meanwhile is paused again. The pause's own
   * second pause of the schedule usually did that already; not when its note was the one this
   * resume lifted, or when it landed before the unpause was read back.
   */
  private async repauseIfPausedMeanwhile(bot: IBot, status: BotStatus): Promise<void> {
    const em = this.em.fork();
    if ((await findBot(em, bot.id)).status !== 'paused') return;
    const note = await lastPauseReason(em, bot.id);
    await this.schedules.pause(bot.id, note);
    await this.refused(bot, status, note);
  }

  /**
   * A pause landed while the schedule was being unpaused, and it stays: the audit says so beside
   * the status change the row keeps (the trading state reads the schedule's pause first).
   */
  private async refused(bot: IBot, status: BotStatus, note: string): Promise<never> {
    const em = this.em.fork();
    const pausedBy = note || 'no note';
    const verb = status === 'active' ? 'resumed' : 'set reducing';
    auditBot(em, em.getReference(Bot, bot.id), 'bot_resume_refused', `paused meanwhile: ${pausedBy}`, { status });
    await em.flush();
    const lift = note.startsWith(HALT_NOTE)
      ? '`scalper unhalt` lifts that pause'
      : `${status === 'active' ? 'resume' : 'reduce'} it again to lift that pause`;
    throw new BotConflictError(
      `bot ${bot.id} was paused ("${pausedBy}") while it was ${verb}: its schedule stays paused (intent ${status} is stored); ${lift}`,
      'status',
    );
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
