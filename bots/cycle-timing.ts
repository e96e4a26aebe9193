// When a bot's cycles run, without Temporal: its schedule (schedule.ts) is built from this, and a
// backtest of the bot replays it (backtest/cycle-schedule.ts).
import type { CycleSchedule } from '../backtest/cycle-schedule.ts';
import type { IBot } from '../db/entities/index.ts';

/**
 * Where in its interval a bot's cycles fire, in ms: spread over the interval by bot id, so a
 * fleet's cycles do not all start in the same second and queue behind each other on two cores
 * (npm run bench:fleet). 7919 is prime, so consecutive ids land far apart.
 */
export function phaseOf(botId: number, intervalSeconds: number): number {
  return (botId * 7919) % (intervalSeconds * 1000);
}

/** The bot's cycles: `barCloseDelaySeconds` into every minute, else every interval at its phase. */
export function botCycleSchedule(
  bot: Pick<IBot, 'id' | 'scheduleIntervalSeconds'> & Partial<Pick<IBot, 'barCloseDelaySeconds'>>,
): CycleSchedule {
  const delay = bot.barCloseDelaySeconds ?? null;
  if (delay !== null) return { kind: 'bar_close', delaySeconds: delay };
  return {
    kind: 'interval',
    everySeconds: bot.scheduleIntervalSeconds,
    offsetMs: phaseOf(bot.id, bot.scheduleIntervalSeconds),
  };
}

/** Seconds between two of the bot's cycles: its interval, or a minute when it cycles on bar closes. */
export function cycleCadenceSeconds(
  bot: Pick<IBot, 'id' | 'scheduleIntervalSeconds'> & Partial<Pick<IBot, 'barCloseDelaySeconds'>>,
): number {
  const cycles = botCycleSchedule(bot);
  return cycles.kind === 'interval' ? cycles.everySeconds : 60;
}
