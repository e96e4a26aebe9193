import type { SymbolCatalog } from '../brokers/symbol-catalog.ts';
import type { BacktestLauncher } from '../bots/backtest-launcher.ts';
import type { GlobalKillSwitch } from '../bots/kill-switch.ts';
import type { PositionCloser } from '../bots/position-closer.ts';
import type { BotSchedules } from '../bots/schedule.ts';
import type { ApiTokens } from '../db/api-tokens.ts';
import type { Orm } from '../db/orm.ts';
import type { Logger } from '../infra/logger.ts';

export interface ApiDeps {
  orm: Orm;
  schedules: BotSchedules;
  /** Which symbols each broker account offers: a bot's symbol is checked against it. */
  symbols: SymbolCatalog;
  /** Both run flattenBot on the worker's task queue (halt with flatten, a bot's close-all). */
  killSwitch: GlobalKillSwitch;
  positions: PositionCloser;
  /** Starts backtest workflows on the worker's task queue. */
  backtests: BacktestLauncher;
  temporal: { checkHealth(): Promise<unknown> };
  tokens: ApiTokens;
  logger: Logger;
  /** Where the Temporal Web UI is, to link orders and cycles to their workflow runs; no links without it. */
  webUi?: { baseUrl: string; namespace: string };
  /** Failed authentications allowed per client address and minute (default 20). */
  auth?: { maxFailures: number };
}
