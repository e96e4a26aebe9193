// The global kill-switch: one call halts every bot. The persisted flag, set through the order
// gate, is what stops orders (see db/orders/order-gate.ts); pausing the schedules stops the cycles.
import type { Client } from '@temporalio/client';
import { AuditLog, Bot, GLOBAL_KILL_SWITCH, KillSwitch } from '../db/entities/index.ts';
import { closeOrderGate } from '../db/orders/index.ts';
import type { Orm } from '../db/orm.ts';
import { PositionCloser, type ClosedPositions } from './position-closer.ts';
import type { BotSchedules } from './schedule.ts';

/** Schedules the halt paused carry this note, so resuming unpauses those and no others. */
const HALT_NOTE = 'global halt: ';

export interface HaltResult {
  pausedBots: number[];
  flattened: Array<{ botId: number } & Pick<ClosedPositions, 'closed' | 'failed'>>;
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

  /** Returns once no order can be sent any more; then pauses every running bot, and flattens if asked. */
  async halt(reason: string, options: { flatten?: boolean } = {}): Promise<HaltResult> {
    const em = this.orm.em.fork();
    await closeOrderGate(em, reason);
    const bots = await em.find(Bot, {}, { orderBy: { id: 'asc' } });
    const pausedBots: number[] = [];
    for (const bot of bots) {
      const state = await this.schedules.state(bot.id);
      if (state.exists && !state.paused) {
        await this.schedules.pause(bot.id, `${HALT_NOTE}${reason}`);
        pausedBots.push(bot.id);
      }
    }
    const flattened: HaltResult['flattened'] = [];
    if (options.flatten) {
      for (const bot of bots) {
        const result = await this.closer.closeAll(bot.id, `global halt: ${reason}`, 'kill_switch');
        flattened.push({ botId: bot.id, closed: result.closed, failed: result.failed });
      }
    }
    em.create(AuditLog, {
      entity: 'engine',
      event: 'global_halt',
      reason,
      data: { pausedBots, flatten: options.flatten ?? false },
    });
    await em.flush();
    return { pausedBots, flattened };
  }

  /** Clears the flag and unpauses the schedules the halt paused; bots paused for other reasons stay paused. */
  async resume(reason: string): Promise<{ resumedBots: number[] }> {
    const em = this.orm.em.fork();
    await em.nativeUpdate(KillSwitch, { scope: GLOBAL_KILL_SWITCH }, { halted: false, reason, updatedAt: new Date() });
    const resumedBots: number[] = [];
    for (const bot of await em.find(Bot, { status: { $ne: 'paused' } }, { orderBy: { id: 'asc' } })) {
      const state = await this.schedules.state(bot.id);
      if (state.paused && state.note?.startsWith(HALT_NOTE)) {
        await this.schedules.resume(bot.id, `global resume: ${reason}`);
        resumedBots.push(bot.id);
      }
    }
    em.create(AuditLog, { entity: 'engine', event: 'global_resume', reason, data: { resumedBots } });
    await em.flush();
    return { resumedBots };
  }
}
