// What a CLI command talks to: the engine's database and Temporal. Without DATABASE_URL and
// TEMPORAL_ADDRESS it finds the ones `npm start` runs on this machine.
import { type BrokerDirectory, engineBrokerDirectory } from '../bots/broker-directory.ts';
import { GlobalKillSwitch } from '../bots/kill-switch.ts';
import { BotSchedules } from '../bots/schedule.ts';
import { BotService } from '../bots/service.ts';
import { ApiTokens } from '../db/api-tokens.ts';
import { BrokerAccounts } from '../db/broker-accounts.ts';
import type { Orm } from '../db/orm.ts';
import { loadConfig } from '../infra/config.ts';
import { connectDatabase, connectTemporal, type TemporalConnections } from '../infra/startup.ts';
import { readInputFile } from './input-file.ts';

export interface EngineConnection {
  orm: Orm;
  temporal: TemporalConnections;
  schedules: BotSchedules;
  /** The broker accounts: which symbols each offers, and their brokers for `account check`. */
  symbols: BrokerDirectory;
  accounts: BrokerAccounts;
  bots: BotService;
  killSwitch: GlobalKillSwitch;
  tokens: ApiTokens;
  readFile(path: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Runs a command's action with the engine connected, and closes it after. */
export type WithEngine = <A extends unknown[]>(
  action: (engine: EngineConnection, ...args: A) => Promise<void>,
) => (...args: A) => Promise<void>;

export async function connectToEngine(): Promise<EngineConnection> {
  const config = loadConfig();
  const databaseUrl = config.DATABASE_URL ?? `postgres://scalper:scalper@127.0.0.1:${config.POSTGRES_PORT}/scalper`;
  const orm = await connectDatabase(
    databaseUrl,
    config.DATABASE_URL ? 'DATABASE_URL' : 'DATABASE_URL (unset: the `npm start` database)',
  );
  let temporal: TemporalConnections;
  try {
    temporal = await connectTemporal(
      config.TEMPORAL_ADDRESS ?? `127.0.0.1:${config.TEMPORAL_PORT}`,
      config.TEMPORAL_NAMESPACE,
    );
  } catch (error) {
    await orm.close();
    throw error;
  }
  const schedules = new BotSchedules(temporal.client, config.TEMPORAL_TASK_QUEUE);
  const symbols = engineBrokerDirectory(orm, config.PAPER_FEED_SEED);
  return {
    orm,
    temporal,
    schedules,
    symbols,
    accounts: new BrokerAccounts(orm.em),
    bots: new BotService(orm.em, schedules, symbols),
    killSwitch: new GlobalKillSwitch(orm, schedules, temporal.client, config.TEMPORAL_TASK_QUEUE),
    tokens: new ApiTokens(orm.em),
    readFile: (path) => readInputFile(path),
    async close() {
      await temporal.close();
      await orm.close();
    },
  };
}
