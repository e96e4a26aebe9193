// What a command that needs only the engine's database talks to: tokens, broker accounts, bar
// imports, backtests on a bot's settings or imported bars. It neither loads Temporal's client nor
// needs Temporal running. Without DATABASE_URL it finds the database `npm start` runs.
import { type BrokerDirectory, engineBrokerDirectory } from '../bots/broker-directory.ts';
import { ApiTokens } from '../db/api-tokens.ts';
import { BrokerAccounts } from '../db/broker-accounts.ts';
import type { Orm } from '../db/orm.ts';
import { type EngineConfig, loadConfig } from '../infra/config.ts';
import { connectDatabase } from '../infra/startup.ts';
import { readInputFile } from './input-file.ts';

export interface DatabaseConnection {
  orm: Orm;
  /** The broker accounts: which symbols each offers, and their brokers for `account check`. */
  symbols: BrokerDirectory;
  accounts: BrokerAccounts;
  tokens: ApiTokens;
  readFile(path: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Runs a command's action with its connection open, and closes it after. */
export type WithConnection<C> = <A extends unknown[]>(
  action: (connection: C, ...args: A) => Promise<void>,
) => (...args: A) => Promise<void>;

export type WithDatabase = WithConnection<DatabaseConnection>;

export async function connectToDatabase(config: EngineConfig = loadConfig()): Promise<DatabaseConnection> {
  const databaseUrl = config.DATABASE_URL ?? `postgres://scalper:scalper@127.0.0.1:${config.POSTGRES_PORT}/scalper`;
  const orm = await connectDatabase(
    databaseUrl,
    config.DATABASE_URL ? 'DATABASE_URL' : 'DATABASE_URL (unset: the `npm start` database)',
  );
  return {
    orm,
    symbols: engineBrokerDirectory(orm, config.PAPER_FEED_SEED),
    accounts: new BrokerAccounts(orm.em),
    tokens: new ApiTokens(orm.em),
    readFile: (path) => readInputFile(path),
    close: () => orm.close(),
  };
}
