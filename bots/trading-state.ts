// Reads a bot's trading state from where its three inputs live: the bot row (the operator's
// intent), its schedule in Temporal, and the global kill-switch row. The rule is trading/trading-state.ts.
import type { EntityManager } from '@mikro-orm/postgresql';
import { GLOBAL_KILL_SWITCH, KillSwitch, type IBot } from '../db/entities/index.ts';
import { tradingStateOf, type TradingState } from '../trading/trading-state.ts';
import type { ScheduleState } from './schedule.ts';

export interface ScheduleStateReader {
  state(botId: number): Promise<ScheduleState>;
}

export async function globalHaltOf(em: EntityManager): Promise<{ halted: boolean; reason: string | null }> {
  const row = await em.findOneOrFail(KillSwitch, GLOBAL_KILL_SWITCH, { refresh: true });
  return { halted: row.halted, reason: row.reason ?? null };
}

export async function readTradingState(
  em: EntityManager,
  schedules: ScheduleStateReader,
  bot: Pick<IBot, 'id' | 'status'>,
): Promise<TradingState & { schedule: ScheduleState }> {
  const [schedule, globalHalt] = await Promise.all([schedules.state(bot.id), globalHaltOf(em)]);
  return { ...tradingStateOf({ intent: bot.status, schedule, globalHalt }), schedule };
}
