// A bot's Temporal Schedule: the engine's only clock and, paused, its manual kill-switch.
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptionsAction,
} from '@temporalio/client';
import type { IBot } from '../db/entities/index.ts';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes.ts';
import { scalperCycle } from '../workflows/index.ts';
import { runTimeoutSecondsFor } from '../workflows/cycle-timing.ts';
import { botCycleSchedule, cycleCadenceSeconds } from './cycle-timing.ts';
import { isKillSwitchPause, KillSwitchPausedError, SchedulePausedMeanwhileError } from './schedule-pauses.ts';
import { landed, writeOverDescribed, writeStateOverDescribed } from './schedule-write.ts';

export function scheduleIdOf(botId: number): string {
  return `scalper-bot-${botId}`;
}

function botIdOf(scheduleId: string): number | null {
  const match = /^scalper-bot-(\d+)$/.exec(scheduleId);
  return match ? Number(match[1]) : null;
}

/** Schedules described at once: a describe is a query each schedule's workflow answers in turn. */
const DESCRIBE_CONCURRENCY = 8;

/** The global halt's pauses carry this note, so that lifting it unpauses those and no others. */
export const HALT_NOTE = 'global halt: ';
/** The note of a schedule made for a paused bot: a resume that finds it made so, meanwhile, lifts it. */
export const CREATED_PAUSED_NOTE = 'created paused';

/** Writes sent before giving up when the schedule keeps changing under them (pauses, resumes). */
const WRITE_TRIES = 5;

/** Never replay stale cycles after an outage: a late scalping signal is worse than none. */
const CATCHUP_WINDOW = '30 seconds';
const POLICIES = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: CATCHUP_WINDOW };

export interface ScheduleState {
  exists: boolean;
  paused: boolean;
  note: string | null;
}

export type ScheduledBot = Pick<IBot, 'id' | 'symbol' | 'scheduleIntervalSeconds' | 'status'> &
  Partial<Pick<IBot, 'barCloseDelaySeconds'>>;

/** The schedule's spec from the bot's cycles (cycle-timing.ts), which a backtest of the bot replays too. */
function specOf(bot: ScheduledBot) {
  const cycles = botCycleSchedule(bot);
  return cycles.kind === 'interval'
    ? { intervals: [{ every: `${cycles.everySeconds} seconds`, offset: cycles.offsetMs }] }
    : { calendars: [{ second: cycles.delaySeconds, minute: '*' as const, hour: '*' as const }] };
}

/** What an unpause found: the schedule running, or paused as `pausedAs`, and lifted that pause or not. */
export type UnpauseOutcome =
  { kind: 'running'; pausedAs: null } | { kind: 'unpaused' | 'not_lifted'; pausedAs: string };

export class BotSchedules {
  private readonly client: Client;
  private readonly taskQueue: string;

  constructor(client: Client, taskQueue: string) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  idOf(botId: number): string {
    return scheduleIdOf(botId);
  }

  private action(bot: ScheduledBot): ScheduleOptionsAction {
    return {
      type: 'startWorkflow',
      workflowType: scalperCycle,
      workflowId: `scalper-cycle-${bot.id}`,
      taskQueue: this.taskQueue,
      args: [{ botId: bot.id }],
      // Below the interval, so a stuck cycle never eats the next one's slot; the cycle splits it
      // into its own deadlines and step timeouts (workflows/cycle-timing.ts).
      workflowRunTimeout: `${runTimeoutSecondsFor(cycleCadenceSeconds(bot))} seconds`,
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.botId, value: String(bot.id) },
        { key: SEARCH_ATTRIBUTES.symbol, value: bot.symbol },
      ],
    };
  }

  /**
   * Creates or updates the schedule. An update keeps the schedule's pause state as it is, even one
   * that lands while the update is on its way (schedule-write.ts): it goes again over the fresh
   * schedule until it lands. A schedule another process makes between this one's read and its
   * create is updated instead. Says which it did: a schedule made from a snapshot of the bot may
   * outlive the bot, or run under a pause written since (live-bot-schedule.ts).
   */
  async upsert(bot: ScheduledBot): Promise<'created' | 'updated'> {
    for (let round = 1; ; round++) {
      try {
        await this.updateExisting(bot);
        return 'updated';
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
      try {
        await this.client.schedule.create({
          scheduleId: scheduleIdOf(bot.id),
          spec: specOf(bot),
          action: this.action(bot),
          policies: POLICIES,
          state: {
            paused: bot.status === 'paused',
            note: bot.status === 'paused' ? CREATED_PAUSED_NOTE : 'created by scalper-engine',
          },
        });
        return 'created';
      } catch (error) {
        if (!(error instanceof ScheduleAlreadyRunning) || round === 2) throw error;
      }
    }
  }

  /** Writes the bot's settings over its schedule as read, until they land; ScheduleNotFoundError if it has none. */
  private async updateExisting(bot: ScheduledBot): Promise<void> {
    const scheduleId = scheduleIdOf(bot.id);
    const handle = this.client.schedule.getHandle(scheduleId);
    const change = { spec: specOf(bot), action: this.action(bot), policies: POLICIES };
    for (let tries = 1; ; tries++) {
      const write = await writeOverDescribed(this.client, scheduleId, await handle.describe(), change);
      if (landed(write, await handle.describe())) return;
      if (tries === WRITE_TRIES)
        throw new Error(
          `schedule ${scheduleId} changed under each of ${tries} updates: bot ${bot.id}'s update is not applied`,
        );
    }
  }

  async state(botId: number): Promise<ScheduleState> {
    try {
      const description = await this.client.schedule.getHandle(scheduleIdOf(botId)).describe();
      return { exists: true, paused: description.state.paused, note: description.state.note ?? null };
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return { exists: false, paused: true, note: null };
      throw error;
    }
  }

  /**
   * Every bot schedule of the namespace from one listing (a describe per bot took 15 s for 203
   * bots). The listing is Temporal's visibility store: it trails a change by a moment
   * (milliseconds; seconds on a loaded server), and a schedule made a moment ago may be missing.
   */
  async listed(): Promise<Map<number, ScheduleState>> {
    const states = new Map<number, ScheduleState>();
    for await (const summary of this.client.schedule.list({ pageSize: 1000 })) {
      const botId = botIdOf(summary.scheduleId);
      if (botId !== null)
        states.set(botId, { exists: true, paused: summary.state.paused, note: summary.state.note ?? null });
    }
    return states;
  }

  /** Describes each bot's schedule, a few at a time. */
  async described(botIds: readonly number[]): Promise<Map<number, ScheduleState>> {
    const states = new Map<number, ScheduleState>();
    for (let start = 0; start < botIds.length; start += DESCRIBE_CONCURRENCY) {
      const batch = botIds.slice(start, start + DESCRIBE_CONCURRENCY);
      const described = await Promise.all(batch.map((botId) => this.state(botId)));
      batch.forEach((botId, index) => states.set(botId, described[index]!));
    }
    return states;
  }

  async isPaused(botId: number): Promise<boolean> {
    return (await this.state(botId)).paused;
  }

  /**
   * Stops the bot's cycles: writes the pause over the schedule as read, and reads it back until the
   * pause holds (the server keeps one pending change per schedule, so a trigger arriving with the
   * pause can overwrite it). Another pause landing meanwhile holds as well, with its own note,
   * unless it is the global halt's, which lifting the halt would undo: a bot's own pause (its
   * kill-switch, its operator) is then written again. The automatic kill-switch's pause is never
   * written over but by another trip: its note is what asks a resume to say `--lift-kill-switch`.
   * A schedule that is missing (deleted from a terminal) starts none already.
   */
  async pause(botId: number, note: string): Promise<void> {
    const scheduleId = scheduleIdOf(botId);
    const handle = this.client.schedule.getHandle(scheduleId);
    const tripped = (current: string | null | undefined) => isKillSwitchPause(current) && !isKillSwitchPause(note);
    const holds = ({ paused, note: current }: ScheduleDescription['state']) =>
      paused &&
      (current === note || tripped(current) || note.startsWith(HALT_NOTE) || !(current ?? '').startsWith(HALT_NOTE));
    try {
      for (let tries = 1; ; tries++) {
        const current = await handle.describe();
        if (current.state.paused && tripped(current.state.note)) return;
        const paused = { ...current.state, paused: true, note };
        const { landed: done, after } = await writeStateOverDescribed(this.client, scheduleId, current, paused);
        if (done || holds(after.state)) return;
        if (tries === WRITE_TRIES) {
          const reads = after.state.paused ? `paused as "${after.state.note ?? ''}"` : 'running';
          throw new Error(
            `schedule ${scheduleId} still reads ${reads} after ${tries} pauses: pause it from a terminal`,
          );
        }
      }
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }

  /**
   * Unpauses the schedule only while its pause is one whose note starts with `pausedAs`, and only
   * over the schedule as read: a pause for another reason landing meanwhile (the kill-switch, an
   * operator) stays. Returns whether it unpaused.
   */
  async resumeIfPausedAs(botId: number, pausedAs: string, note: string): Promise<boolean> {
    try {
      const outcome = await this.unpauseAsRead(botId, note, (state) => state.note?.startsWith(pausedAs) === true);
      return outcome.kind === 'unpaused';
    } catch (error) {
      if (error instanceof ScheduleNotFoundError || error instanceof SchedulePausedMeanwhileError) return false;
      throw error;
    }
  }

  /**
   * The operator's resume: lifts the pause the schedule has when read, over that read alone; the
   * automatic kill-switch's only with `liftKillSwitch` (else KillSwitchPausedError). A pause that
   * lands on its way (the kill-switch tripping, a terminal) stays, and is
   * SchedulePausedMeanwhileError; a missing schedule is ScheduleNotFoundError.
   */
  async resume(botId: number, note: string, { liftKillSwitch = false } = {}): Promise<UnpauseOutcome> {
    const lifts = (state: ScheduleDescription['state']) => liftKillSwitch || !isKillSwitchPause(state.note);
    const outcome = await this.unpauseAsRead(botId, note, lifts);
    if (outcome.kind === 'not_lifted') throw new KillSwitchPausedError(scheduleIdOf(botId), outcome.pausedAs);
    return outcome;
  }

  /**
   * Unpauses over the schedule as read while `lifts` the pause read, and reads the schedule back
   * until the unpause holds: a write that a trigger overwrote, or that a pause with the same note
   * overtook, goes again; a pause with another note that landed meanwhile stays.
   */
  private async unpauseAsRead(
    botId: number,
    note: string,
    lifts: (state: ScheduleDescription['state']) => boolean,
  ): Promise<UnpauseOutcome> {
    const scheduleId = scheduleIdOf(botId);
    const handle = this.client.schedule.getHandle(scheduleId);
    for (let tries = 1; ; tries++) {
      const current = await handle.describe();
      const pausedAs = current.state.note ?? '';
      if (!current.state.paused) return { kind: 'running', pausedAs: null };
      if (!lifts(current.state)) return { kind: 'not_lifted', pausedAs };
      const running = { ...current.state, paused: false, note };
      const { landed: done, after } = await writeStateOverDescribed(this.client, scheduleId, current, running);
      if (done) return { kind: 'unpaused', pausedAs };
      if (after.state.paused && after.state.note !== current.state.note)
        throw new SchedulePausedMeanwhileError(scheduleId, after.state.note ?? '');
      if (tries === WRITE_TRIES)
        throw new Error(`schedule ${scheduleId} changed under each of ${tries} resumes: bot ${botId} is not resumed`);
    }
  }

  async trigger(botId: number): Promise<void> {
    await this.client.schedule.getHandle(scheduleIdOf(botId)).trigger(ScheduleOverlapPolicy.SKIP);
  }

  async remove(botId: number): Promise<void> {
    try {
      await this.client.schedule.getHandle(scheduleIdOf(botId)).delete();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }
}
