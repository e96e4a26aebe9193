import type { BrokerPort } from '../brokers/port.ts';
import type { ScheduleState } from '../bots/schedule.ts';
import type { Orm } from '../db/orm.ts';
import type { Logger } from '../infra/logger.ts';
import type { EngineMetrics } from '../infra/metrics.ts';

/** The bot's schedule as Temporal holds it: the source of truth for "do this bot's cycles run". */
export interface BotScheduleControl {
  state(botId: number): Promise<ScheduleState>;
  /** The automatic kill-switch's way of stopping further cycles. */
  pause(botId: number, note: string): Promise<void>;
}

/** Closing a bot's positions outside its cycles, durably (bots/position-closer.ts). */
export interface PositionFlattener {
  /**
   * Starts, `afterMs` from now, a flattenBot workflow that closes the bot's positions and tries
   * again until it is flat, or finds the one already doing so; returns its workflow id. What the
   * automatic kill-switch hands over when a close did not go through: the bot's schedule is
   * paused, no cycle will.
   */
  untilFlat(botId: number, reason: string, afterMs: number): Promise<string>;
}

/** What the activities need from the outside world; the worker builds it, tests may build their own. */
export interface ActivityDeps {
  orm: Orm;
  brokerFor(account: string): BrokerPort;
  schedules: BotScheduleControl;
  positions: PositionFlattener;
  logger: Logger;
  metrics: EngineMetrics;
  now(): number;
}
