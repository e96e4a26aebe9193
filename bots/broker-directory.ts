// Which broker adapter a bot's account trades on. Each account gets one adapter per process,
// built from its registered settings the first time it is used (the MetaApi SDK is loaded only
// then); settings changed since are picked up within a minute: a changed connection builds a new
// adapter, changed per-symbol facts alone are handed to the one there is (a MetaApi adapter keeps
// in memory the trades it has in flight, which a new one would not know of). The directory also
// answers which symbols an account offers, for the API and the CLI.
import type { AccountConnection, BrokerAccountConfig, InstrumentOverrides } from '../brokers/accounts.ts';
import { secretFrom } from '../brokers/accounts.ts';
import type { MarketFeed } from '../brokers/feeds/feed.ts';
import { createSyntheticFeed } from '../brokers/feeds/synthetic.ts';
import { createMetaApiBroker } from '../brokers/metaapi/index.ts';
import { createMt5GatewayBroker } from '../brokers/mt5-gateway/index.ts';
import { createPaperBroker, type PaperStateStore } from '../brokers/paper/index.ts';
import type { BrokerPort } from '../brokers/port.ts';
import { AccountUnreachableError, type SymbolCatalog } from '../brokers/symbol-catalog.ts';
import { createPostgresStateStore } from '../brokers/paper/postgres-store.ts';
import { BrokerAccounts } from '../db/broker-accounts.ts';
import type { Orm } from '../db/orm.ts';
import { lazyBroker } from './lazy-broker.ts';

export interface AccountResolver {
  resolve(name: string): Promise<BrokerAccountConfig>;
}

export interface BrokerDirectoryOptions {
  accounts: AccountResolver;
  paperStore: PaperStateStore;
  feedSeed: number;
  /** Where secrets are read from (the tokens' environment variables). */
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

/** How long an adapter is used before its account's settings are read again. */
const SETTINGS_TTL_MS = 60_000;

interface Built {
  fingerprint: string;
  /** The facts the adapter reads at each call: replaced in place when they alone change. */
  facts: InstrumentOverrides;
  broker: BrokerPort;
  checkedAt: number;
}

function factsOf(connection: AccountConnection): InstrumentOverrides {
  return connection.kind === 'paper' ? {} : (connection.settings.instruments ?? {});
}

/** What the adapter is built from, its per-symbol facts aside. */
function fingerprintOf(connection: AccountConnection): string {
  return JSON.stringify({ ...connection, settings: { ...connection.settings, instruments: undefined } });
}

export class BrokerDirectory implements SymbolCatalog {
  private readonly options: BrokerDirectoryOptions;
  private readonly feed: MarketFeed;
  private readonly built = new Map<string, Built>();
  private readonly proxies = new Map<string, BrokerPort>();

  constructor(options: BrokerDirectoryOptions) {
    this.options = options;
    this.feed = createSyntheticFeed({ seed: options.feedSeed });
  }

  /** The account's broker; the account is resolved on the first call that needs it. */
  brokerFor(account: string): BrokerPort {
    let proxy = this.proxies.get(account);
    if (!proxy) {
      proxy = lazyBroker(account, () => this.adapterOf(account));
      this.proxies.set(account, proxy);
    }
    return proxy;
  }

  account(name: string): Promise<BrokerAccountConfig> {
    return this.options.accounts.resolve(name);
  }

  async symbolsOf(account: string): Promise<readonly string[]> {
    const broker = await this.adapterOf(account);
    try {
      return await broker.symbols();
    } catch (error) {
      throw new AccountUnreachableError(account, error);
    }
  }

  private async adapterOf(name: string): Promise<BrokerPort> {
    const now = Date.now();
    const cached = this.built.get(name);
    if (cached && now - cached.checkedAt < SETTINGS_TTL_MS) return cached.broker;
    const config = await this.options.accounts.resolve(name);
    const fingerprint = fingerprintOf(config.connection);
    if (cached?.fingerprint === fingerprint) {
      for (const symbol of Object.keys(cached.facts)) delete cached.facts[symbol];
      Object.assign(cached.facts, factsOf(config.connection));
      cached.checkedAt = now;
      return cached.broker;
    }
    const facts = { ...factsOf(config.connection) };
    const broker = this.build(config, facts);
    this.built.set(name, { fingerprint, facts, broker, checkedAt: now });
    return broker;
  }

  private build(config: BrokerAccountConfig, facts: InstrumentOverrides): BrokerPort {
    const env = this.options.env ?? process.env;
    const { connection, name } = config;
    switch (connection.kind) {
      case 'paper':
        return createPaperBroker({
          store: this.options.paperStore,
          feed: this.feed,
          account: {
            login: name,
            mode: connection.settings.mode,
            balance: connection.settings.balance,
            leverage: connection.settings.leverage,
          },
          seed: this.options.feedSeed,
          latencyMs: connection.settings.latencyMs,
          ...(this.options.now ? { clock: { now: this.options.now } } : {}),
        });
      case 'mt5-gateway':
        return createMt5GatewayBroker({
          name,
          baseUrl: connection.settings.url,
          token: secretFrom(env, connection.settings.tokenEnv, name),
          ...(connection.settings.timeouts ? { timeouts: connection.settings.timeouts } : {}),
          instruments: facts,
          ...(connection.settings.caCert ? { caCert: connection.settings.caCert } : {}),
        });
      case 'metaapi':
        return createMetaApiBroker({
          name,
          token: secretFrom(env, connection.settings.tokenEnv, name),
          accountId: connection.settings.accountId,
          ...(connection.settings.region ? { region: connection.settings.region } : {}),
          ...(connection.settings.timeouts ? { timeouts: connection.settings.timeouts } : {}),
          ...(connection.settings.lateSendMs === undefined ? {} : { lateSendMs: connection.settings.lateSendMs }),
          instruments: facts,
        });
    }
  }
}

/** The directory of a process of the engine: registered accounts from its database, paper state stored there too. */
export function engineBrokerDirectory(orm: Orm, feedSeed: number, now?: () => number): BrokerDirectory {
  return new BrokerDirectory({
    accounts: new BrokerAccounts(orm.em),
    paperStore: createPostgresStateStore(orm),
    feedSeed,
    ...(now ? { now } : {}),
  });
}
