// Reads a bot's trading state from where its three inputs live: the bot row (the operator's
// intent), its schedule in Temporal, and the global kill-switch row. The rule is trading/trading-state.ts.
import type { EntityManager } from '@mikro-orm/postgresql';
import { GLOBAL_KILL_SWITCH, KillSwitch, type IBot } from '../db/entities/index.ts';
import { tradingStateOf, type TradingState } from '../trading/trading-state.ts';
import { accountsNamed, brokerBlockOf, type ReconciliationMark } from './broker-readiness.ts';
import type { ScheduleState } from './schedule.ts';

export interface ScheduleStateReader {
  state(botId: number): Promise<ScheduleState>;
}

export interface ScheduleListReader {
  listed(): Promise<Map<number, ScheduleState>>;
  described(botIds: readonly number[]): Promise<Map<number, ScheduleState>>;
}

export type TradingStateView = TradingState & { schedule: ScheduleState };

export async function globalHaltOf(
  em: EntityManager,
): Promise<{ halted: boolean; reason: string | null; updatedAt: Date }> {
  const row = await em.findOneOrFail(KillSwitch, GLOBAL_KILL_SWITCH, { refresh: true });
  return { halted: row.halted, reason: row.reason ?? null, updatedAt: row.updatedAt };
}

type StateBot = Pick<IBot, 'id' | 'status' | 'brokerAccount' | 'killSwitchTrippedAt' | 'killSwitchReason'> &
  ReconciliationMark;

export interface KillSwitchTrip {
  trippedAt: Date;
  reason: string;
}

/** The automatic kill-switch's trip the bot's row records, if any. */
export function killSwitchTripOf(bot: Pick<IBot, 'killSwitchTrippedAt' | 'killSwitchReason'>): KillSwitchTrip | null {
  const trippedAt = bot.killSwitchTrippedAt;
  return trippedAt ? { trippedAt, reason: bot.killSwitchReason ?? 'no reason recorded' } : null;
}

export async function readTradingState(
  em: EntityManager,
  schedules: ScheduleStateReader,
  bot: StateBot,
): Promise<TradingStateView> {
  const [schedule, globalHalt, accounts] = await Promise.all([
    schedules.state(bot.id),
    globalHaltOf(em),
    accountsNamed(em.fork(), [bot.brokerAccount]),
  ]);
  const brokerBlock = brokerBlockOf(bot.brokerAccount, accounts.get(bot.brokerAccount) ?? null, bot);
  const killSwitchTrip = killSwitchTripOf(bot);
  return { ...tradingStateOf({ intent: bot.status, schedule, globalHalt, brokerBlock, killSwitchTrip }), schedule };
}

/** How long after the engine changed a bot (or the kill-switch) a lagging listing is not trusted. */
const LISTING_LAG_MS = 120_000;

/**
 * Many bots at once: one read of the halt flag, one listing of the schedules. The listing trails
 * changes, so a schedule it lacks is described, and so is one whose pause disagrees with the bot's
 * intent when the engine changed the bot or the kill-switch lately (its pause or resume may not be
 * listed yet). A bot paused behind the operator's back otherwise shows once listed, at no cost.
 */
export async function readTradingStates<Bot extends StateBot & Pick<IBot, 'updatedAt'>>(
  em: EntityManager,
  schedules: ScheduleListReader,
  findBots: () => Promise<Bot[]>,
): Promise<Array<{ bot: Bot; state: TradingStateView }>> {
  // The bots, the listing and the halt flag are read at once: the listing is the slow part.
  const [bots, listed, globalHalt] = await Promise.all([findBots(), schedules.listed(), globalHaltOf(em.fork())]);
  const since = Date.now() - LISTING_LAG_MS;
  const unsure = bots.filter((bot) => {
    const schedule = listed.get(bot.id);
    if (!schedule) return true;
    // While halted the state is `halted` whatever the schedules say.
    const recent = bot.updatedAt.getTime() > since || globalHalt.updatedAt.getTime() > since;
    return !globalHalt.halted && recent && schedule.paused !== (bot.status === 'paused');
  });
  const [described, accounts] = await Promise.all([
    schedules.described(unsure.map((bot) => bot.id)),
    accountsNamed(
      em.fork(),
      bots.map((bot) => bot.brokerAccount),
    ),
  ]);
  return bots.map((bot) => {
    const schedule = described.get(bot.id) ?? listed.get(bot.id)!;
    const brokerBlock = brokerBlockOf(bot.brokerAccount, accounts.get(bot.brokerAccount) ?? null, bot);
    const killSwitchTrip = killSwitchTripOf(bot);
    const state = tradingStateOf({ intent: bot.status, schedule, globalHalt, brokerBlock, killSwitchTrip });
    return { bot, state: { ...state, schedule } };
  });
}
