// The global kill-switch: one call halts every bot. The persisted flag, set through the order
// gate, is what stops orders (see db/orders/order-gate.ts); pausing the schedules stops the cycles.
import type { Client } from '@temporalio/client';
import { AuditLog, Bot, GLOBAL_KILL_SWITCH, KillSwitch } from '../db/entities/index.ts';
import { closeOrderGate } from '../db/orders/index.ts';
import type { Orm } from '../db/orm.ts';
import { messageOf } from './errors.ts';
import { PositionCloser, type ClosedPositions } from './position-closer.ts';
import { type BotSchedules, HALT_NOTE } from './schedule.ts';

export interface HaltResult {
  pausedBots: number[];
  flattened: Array<{ botId: number } & Pick<ClosedPositions, 'closed' | 'failed'>>;
  /**
   * Bots whose pause or flatten failed (Temporal or their broker unreachable): the halt went on
   * with the others. A flatten that failed or left a close refused is handed to a flattenBot run
   * that tries again until the bot is flat (`untilFlat`, its workflow id; null if it could not start).
   */
  failures: Array<{ botId: number; step: 'pause' | 'flatten'; error: string; untilFlat: string | null }>;
}

export interface ResumeResult {
  resumedBots: number[];
  /** Bots whose resume failed (Temporal unreachable): they stay paused, the others resumed. */
  failures: Array<{ botId: number; error: string }>;
}

export interface KillSwitchStatus {
  halted: boolean;
  reason: string | null;
  updatedAt: Date;
}

export class GlobalKillSwitch {
  private readonly orm: Orm;
  private readonly schedules: BotSchedules;
  private readonly closer: PositionCloser;

  constructor(orm: Orm, schedules: BotSchedules, client: Client, taskQueue: string) {
    this.orm = orm;
    this.schedules = schedules;
    this.closer = new PositionCloser(client, taskQueue);
  }

  async status(): Promise<KillSwitchStatus> {
    const row = await this.orm.em.fork().findOneOrFail(KillSwitch, GLOBAL_KILL_SWITCH);
    return { halted: row.halted, reason: row.reason ?? null, updatedAt: row.updatedAt };
  }

  /**
   * Returns once no order can be sent any more; then pauses every running bot, and flattens if
   * asked (every bot at once). One bot that fails (its broker down, a Temporal hiccup) stops
   * neither the others nor the audit row: it is reported, and its flatten handed over.
   */
  async halt(reason: string, options: { flatten?: boolean } = {}): Promise<HaltResult> {
    const em = this.orm.em.fork();
    await closeOrderGate(em, reason);
    const bots = await em.find(Bot, {}, { orderBy: { id: 'asc' } });
    const pausedBots: number[] = [];
    const failures: HaltResult['failures'] = [];
    for (const bot of bots) {
      try {
        const state = await this.schedules.state(bot.id);
        if (state.exists && !state.paused) {
          await this.schedules.pause(bot.id, `${HALT_NOTE}${reason}`);
          pausedBots.push(bot.id);
        }
      } catch (error) {
        failures.push({ botId: bot.id, step: 'pause', error: messageOf(error), untilFlat: null });
      }
    }
    const flattened: HaltResult['flattened'] = [];
    if (options.flatten) {
      const why = `${HALT_NOTE}${reason}`;
      const outcomes = await Promise.allSettled(bots.map((bot) => this.closer.closeAll(bot.id, why, 'kill_switch')));
      for (const [index, outcome] of outcomes.entries()) {
        const botId = bots[index]!.id;
        if (outcome.status === 'fulfilled') {
          const { closed, failed } = outcome.value;
          flattened.push({ botId, closed, failed });
          if (failed.length === 0) continue;
        }
        const error =
          outcome.status === 'rejected' ? messageOf(outcome.reason) : `${outcome.value.failed.length} close(s) refused`;
        try {
          failures.push({ botId, step: 'flatten', error, untilFlat: await this.closer.untilFlat(botId, why, 0) });
        } catch (handover) {
          // Reported with the failure it was meant to cure: the operator must close this bot by hand.
          const notHanded = `${error}; no run until flat could start: ${messageOf(handover)}`;
          failures.push({ botId, step: 'flatten', error: notHanded, untilFlat: null });
        }
      }
    }
    em.create(AuditLog, {
      entity: 'engine',
      event: 'global_halt',
      reason,
      data: { pausedBots, flatten: options.flatten ?? false, failures },
    });
    await em.flush();
    return { pausedBots, flattened, failures };
  }

  /**
   * Clears the flag and unpauses the schedules the halt paused; bots paused for other reasons stay
   * paused. A bot whose resume fails (Temporal unreachable) stays paused and is reported; the
   * others are resumed all the same.
   */
  async resume(reason: string): Promise<ResumeResult> {
    const em = this.orm.em.fork();
    await em.nativeUpdate(KillSwitch, { scope: GLOBAL_KILL_SWITCH }, { halted: false, reason, updatedAt: new Date() });
    const resumedBots: number[] = [];
    const failures: ResumeResult['failures'] = [];
    for (const bot of await em.find(Bot, { status: { $ne: 'paused' } }, { orderBy: { id: 'asc' } })) {
      try {
        // Only over the halt's own pause: one that lands meanwhile for another reason stays.
        if (await this.schedules.resumeIfPausedAs(bot.id, HALT_NOTE, `global resume: ${reason}`))
          resumedBots.push(bot.id);
      } catch (error) {
        failures.push({ botId: bot.id, error: messageOf(error) });
      }
    }
    em.create(AuditLog, { entity: 'engine', event: 'global_resume', reason, data: { resumedBots, failures } });
    await em.flush();
    return { resumedBots, failures };
  }
}
