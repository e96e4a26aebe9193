// A bot's trading status changed by its operator — pause, resume, reduce — in its row and its
// schedule, in the order that keeps a pause holding whatever fails or runs alongside it.
import { OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ScheduleNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { Bot, type BotStatus, type IBot } from '../db/entities/index.ts';
import {
  auditBot,
  BOT_PAUSED_EVENT,
  findBot,
  flushBotLocked,
  lastPauseReason,
  markKillSwitchTripped,
} from './bot-rows.ts';
import { BotConflictError, BotNotFoundError, messageOf } from './errors.ts';
import { upsertLiveBotSchedule } from './live-bot-schedule.ts';
import { type BotSchedules, CREATED_PAUSED_NOTE, HALT_NOTE } from './schedule.ts';
import { isKillSwitchPause, KillSwitchPausedError, SchedulePausedMeanwhileError } from './schedule-pauses.ts';
import { type KillSwitchTrip, killSwitchTripOf } from './trading-state.ts';
import { AUTOMATIC_KILL_SWITCH_NOTE, killSwitchNote } from '../trading/kill-switch.ts';

/** What a refused resume or reduce asked for, for its audit row and its message. */
interface Refusal {
  status: BotStatus;
  reason: string;
  liftKillSwitch: boolean;
  /** The kill-switch's trip it cleared from the row before the refusal, if any: that stays lifted. */
  tripLifted?: boolean;
}

export interface RunOptions {
  /** Lift the automatic kill-switch's pause too (an operator who has looked at why it tripped). */
  liftKillSwitch?: boolean;
}

/** Writes of a pause's row before it gives up on a row that keeps changing under it. */
const PAUSE_WRITE_TRIES = 3;

const STATUS_EVENTS: Record<BotStatus, string> = {
  active: 'bot_resumed',
  reducing: 'bot_reducing',
  paused: BOT_PAUSED_EVENT,
};

/**
 * An operator's pause note may not begin as the engine's own do: one read as the kill-switch's would
 * need --lift-kill-switch and write over a real trip's note; one read as the halt's, `unhalt` would lift.
 */
function refuseReservedNote(reason: string): void {
  const reservedIn = (text: string) =>
    [AUTOMATIC_KILL_SWITCH_NOTE, HALT_NOTE, CREATED_PAUSED_NOTE].find((note) =>
      text.toLowerCase().startsWith(note.trim().toLowerCase()),
    );
  z.object({
    reason: z.string().refine((text) => reservedIn(text) === undefined, {
      error: (issue) =>
        `may not begin with "${reservedIn(String(issue.input))?.trim()}": the engine's own pauses begin so`,
    }),
  }).parse({ reason });
}

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
    refuseReservedNote(reason);
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
   * meanwhile, from an older read, is unpaused as found). The automatic kill-switch's trip is
   * lifted, and cleared from the row, only with `liftKillSwitch`.
   */
  async run(
    botId: number,
    status: Exclude<BotStatus, 'paused'>,
    reason: string,
    { liftKillSwitch = false }: RunOptions = {},
  ): Promise<IBot> {
    const refusal: Refusal = { status, reason, liftKillSwitch };
    const schedule = await this.schedules.state(botId);
    const em = this.em.fork();
    const bot = await findBot(em, botId);
    // The kill-switch's trip (on the row; or, from before the row kept it, the schedule's pause) is
    // lifted only when asked: refused here, nothing is written.
    const trip = killSwitchTripOf(bot);
    if (!liftKillSwitch && trip) return this.refuseTripped(bot, 'unchanged', refusal);
    if (!liftKillSwitch && schedule.exists && schedule.paused && isKillSwitchPause(schedule.note))
      return this.refuseResume(bot, schedule.note ?? '', 'unchanged', refusal);
    await this.statusWritten(em, botId, status, reason);
    if (trip) {
      // Written with the status under the row's version: a trip landing since makes this a 409.
      bot.killSwitchTrippedAt = null;
      bot.killSwitchReason = null;
      auditBot(em, bot, 'kill_switch_lifted', reason, {
        pausedAs: killSwitchNote(trip.reason),
        trippedAt: trip.trippedAt.toISOString(),
      });
    }
    try {
      await flushBotLocked(em, botId);
    } catch (error) {
      // Lost to a trip written since the read: refused as one, nothing written.
      const now = await findBot(this.em.fork(), botId);
      const newTrip = killSwitchTripOf(now);
      const tripped = newTrip !== null && newTrip.trippedAt.getTime() !== trip?.trippedAt.getTime();
      if (error instanceof BotConflictError && tripped) return this.refuseTripped(now, 'unchanged', refusal);
      throw error;
    }
    refusal.tripLifted = trip !== null;
    try {
      try {
        const outcome = await this.schedules.resume(botId, reason, { liftKillSwitch });
        if (outcome.kind === 'unpaused' && isKillSwitchPause(outcome.pausedAs) && !trip)
          await this.auditLift(bot, outcome.pausedAs, reason);
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
        await this.madeAgain(bot, reason);
      }
    } catch (error) {
      if (error instanceof SchedulePausedMeanwhileError || error instanceof KillSwitchPausedError)
        return this.refuseResume(bot, error.note, 'kept', refusal);
      // The schedule could not be unpaused (Temporal unreachable): a trip this lift cleared goes back
      // on the row, which would otherwise read lifted under a schedule still paused by it.
      if (trip) await this.tripPutBack(bot, trip, reason, error);
      throw error;
    }
    await this.repauseIfPausedMeanwhile(bot, refusal);
    return bot;
  }

  /** The trip a failed lift had cleared, back on the row as it was, audited with why. */
  private async tripPutBack(bot: IBot, trip: KillSwitchTrip, reason: string, error: unknown): Promise<void> {
    await markKillSwitchTripped(this.em.fork(), bot.id, trip.reason, trip.trippedAt);
    const em = this.em.fork();
    auditBot(em, em.getReference(Bot, bot.id), 'kill_switch_lift_undone', reason, {
      pausedAs: killSwitchNote(trip.reason),
      error: messageOf(error),
    });
    await em.flush();
  }

  /** A safety stop overridden (a trip the row did not record): its own audit row, beside the status change's. */
  private async auditLift(bot: IBot, note: string, reason: string): Promise<void> {
    const em = this.em.fork();
    auditBot(em, em.getReference(Bot, bot.id), 'kill_switch_lifted', reason, { pausedAs: note });
    await em.flush();
  }

  /**
   * The missing schedule made again, running. Another process may have made it first, from an
   * older read of a paused bot: that pause ("created paused") is lifted; any other one landed
   * since, and stays.
   */
  private async madeAgain(bot: IBot, reason: string): Promise<void> {
    const written = await upsertLiveBotSchedule(this.em, this.schedules, bot);
    if (written === null) throw new BotNotFoundError(bot.id);
    if (written === 'created') return;
    if (await this.schedules.resumeIfPausedAs(bot.id, CREATED_PAUSED_NOTE, reason)) return;
    const state = await this.schedules.state(bot.id);
    if (!state.exists) throw new BotNotFoundError(bot.id);
    if (state.paused) throw new SchedulePausedMeanwhileError(this.schedules.idOf(bot.id), state.note ?? '');
  }

  /**
   * After the unpause: a bot whose row a pause wrote meanwhile is paused again. The pause's own
   * second pause of the schedule usually did that already; not when its note was the one this
   * resume lifted, or when it landed before the unpause was read back. So is a bot the automatic
   * kill-switch tripped meanwhile: a resume that lifts a trip would otherwise lift the pause of one
   * written since, whose trip it never saw.
   */
  private async repauseIfPausedMeanwhile(bot: IBot, refusal: Refusal): Promise<void> {
    const em = this.em.fork();
    const now = await findBot(em, bot.id);
    const trip = killSwitchTripOf(now);
    if (trip) {
      await this.schedules.pause(bot.id, killSwitchNote(trip.reason));
      await this.refuseTripped(now, 'kept', refusal);
    }
    if (now.status !== 'paused') return;
    const note = await lastPauseReason(em, bot.id);
    await this.schedules.pause(bot.id, note);
    await this.refuseResume(bot, note, 'paused', refusal);
  }

  /** Refused for the automatic kill-switch's trip on the bot's row. */
  private refuseTripped(bot: IBot, row: 'unchanged' | 'kept', refusal: Refusal): Promise<never> {
    const trip = killSwitchTripOf(bot)!;
    const note = killSwitchNote(trip.reason);
    return this.refuseResume(bot, note, row, refusal, trip.trippedAt);
  }

  /**
   * The schedule's pause stays (the kill-switch's, not asked to be lifted, or one that landed while
   * it was being unpaused): the audit says so, with who asked and why. `row`: the bot's row as the
   * refusal leaves it — `unchanged` (refused before any write), `kept` (it holds the asked status;
   * the trading state reads the schedule's pause first) or `paused` (a pause wrote its own since).
   */
  private async refuseResume(
    bot: IBot,
    note: string,
    row: 'unchanged' | 'kept' | 'paused',
    { status, reason, liftKillSwitch, tripLifted = false }: Refusal,
    trippedAt?: Date,
  ): Promise<never> {
    const em = this.em.fork();
    const pausedBy = note || 'no note';
    const tripped = trippedAt === undefined ? {} : { trippedAt: trippedAt.toISOString() };
    auditBot(em, em.getReference(Bot, bot.id), 'bot_resume_refused', reason, {
      status,
      row,
      pausedAs: pausedBy,
      ...tripped,
    });
    await em.flush();
    const command = status === 'active' ? 'resume' : 'reduce';
    const lift = note.startsWith(HALT_NOTE)
      ? '`scalper unhalt` lifts that pause'
      : isKillSwitchPause(note)
        ? `look at why${liftKillSwitch ? ' (it tripped again meanwhile)' : ''}, then ${command} it with --lift-kill-switch (API: "liftKillSwitch": true), which also ends the kill-switch's flatten`
        : `${command} it again to lift that pause`;
    // The field to change: the request's flag for the kill-switch's pause, else the bot's status.
    const field = isKillSwitchPause(note) ? 'liftKillSwitch' : 'status';
    const verb = status === 'active' ? 'resumed' : 'set reducing';
    // The trip holds on the row, whatever a terminal did to the schedule since: it may even run.
    if (trippedAt !== undefined) {
      const when = `automatic kill-switch tripped at ${trippedAt.toISOString()} ("${pausedBy}")`;
      if (row === 'unchanged') throw new BotConflictError(`bot ${bot.id}'s ${when}: ${lift}`, field);
      throw new BotConflictError(
        `bot ${bot.id}'s ${when} while it was ${verb}: its schedule stays paused (intent ${status} is stored); ${lift}`,
        field,
      );
    }
    if (row === 'unchanged') throw new BotConflictError(`bot ${bot.id} is paused ("${pausedBy}"): ${lift}`, field);
    const rowReads = row === 'kept' ? `intent ${status} is stored` : 'its row reads paused too';
    // A trip this resume cleared stays cleared: the pause that refused it is another's.
    const lifted = tripLifted ? "; the kill-switch's trip it lifted stays lifted" : '';
    throw new BotConflictError(
      `bot ${bot.id} was paused ("${pausedBy}") while it was ${verb}: its schedule stays paused (${rowReads}${lifted}); ${lift}`,
      field,
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
