import type { BotSchedules } from '../bots/schedule.ts';
import type { ApiTokens } from '../db/api-tokens.ts';
import type { Orm } from '../db/orm.ts';
import type { Logger } from '../infra/logger.ts';

export interface ApiDeps {
  orm: Orm;
  schedules: BotSchedules;
  temporal: { checkHealth(): Promise<unknown> };
  tokens: ApiTokens;
  logger: Logger;
  /** Failed authentications allowed per client address and minute (default 20). */
  auth?: { maxFailures: number };
}
