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

/** What the activities need from the outside world; the worker builds it, tests may build their own. */
export interface ActivityDeps {
  orm: Orm;
  brokerFor(account: string): BrokerPort;
  schedules: BotScheduleControl;
  logger: Logger;
  metrics: EngineMetrics;
  now(): number;
}
