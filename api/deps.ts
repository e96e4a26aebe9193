import type { BotSchedules } from '../bots/schedule.ts';
import type { Orm } from '../db/orm.ts';
import type { Logger } from '../infra/logger.ts';

export interface ApiDeps {
  orm: Orm;
  schedules: BotSchedules;
  temporal: { checkHealth(): Promise<unknown> };
  logger: Logger;
}
