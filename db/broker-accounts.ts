// Registered broker accounts: added, listed, removed, the live opt-in turned on or off, a
// gateway's CA certificate replaced, the per-symbol facts MT5 does not report changed (each change
// audited). Settings are validated by their kind's schema before anything is written.
import { isDeepStrictEqual } from 'node:util';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  implicitPaperAccount,
  INSTRUMENT_OVERRIDE_KEYS,
  type InstrumentOverrides,
  PAPER_ACCOUNT_PREFIX,
  parseConnection,
  type AccountEnvironment,
  type AccountConnection,
  type AccountKind,
  type BrokerAccountConfig,
} from '../brokers/accounts.ts';
import {
  caCertFingerprints,
  caCertHostProblem,
  caCertProblem,
  caCertsBeside,
  expiredCaCert,
} from '../brokers/mt5-gateway/ca-cert.ts';
import { UnknownAccountError } from '../brokers/symbol-catalog.ts';
import { AuditLog, Bot, BrokerAccount, type IBrokerAccount, Instrument } from './entities/index.ts';

export class AccountConflictError extends Error {
  override name = 'AccountConflictError';
  readonly field: string;
  constructor(message: string, field: string) {
    super(message);
    this.field = field;
  }
}

export class AccountNotFoundError extends Error {
  override name = 'AccountNotFoundError';
  constructor(name: string) {
    super(`no registered account named ${name} (scalper account list)`);
  }
}

export interface NewBrokerAccount {
  name: string;
  kind: AccountKind;
  environment: AccountEnvironment;
  /** The kind's settings (brokers/accounts.ts); a ZodError names a bad field. */
  connection: unknown;
}

export function configOf(row: IBrokerAccount): BrokerAccountConfig {
  return {
    name: row.name,
    environment: row.environment,
    connection: parseConnection(row.kind, row.connection),
    liveTradingEnabled: row.liveTradingEnabled,
  };
}

/**
 * A CA certificate that has expired, or that is for another address than the URL's, would refuse
 * every call: it is not registered. Checked here, when given, not by the schema, which also reads
 * stored accounts.
 */
function refuseUnusableCaCert(connection: AccountConnection): void {
  if (connection.kind !== 'mt5-gateway' || connection.settings.caCert === undefined) return;
  const { caCert, url } = connection.settings;
  const problem = expiredCaCert(caCert, new Date()) ?? caCertHostProblem(caCert, url);
  if (problem !== null) throw new AccountConflictError(`caCert: ${problem}`, 'caCert');
}

const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Per symbol, the facts to set (a value) or to drop (null: back to what the broker's spec implies). */
export type InstrumentChanges = Record<string, Record<string, unknown>>;

/** `changes` applied to `current`: set, replaced or dropped key by key, a symbol left with none gone. */
function changedInstruments(current: InstrumentOverrides, changes: InstrumentChanges): Record<string, unknown> {
  const next: Record<string, Record<string, unknown>> = structuredClone(current);
  for (const [symbol, fields] of Object.entries(changes)) {
    const facts = { ...next[symbol] };
    for (const [key, value] of Object.entries(fields)) {
      if (!(INSTRUMENT_OVERRIDE_KEYS as string[]).includes(key))
        throw new AccountConflictError(
          `instruments.${symbol}.${key}: not a fact an account keeps (${INSTRUMENT_OVERRIDE_KEYS.join(', ')})`,
          'instruments',
        );
      if (value === null) delete facts[key];
      else facts[key] = value;
    }
    if (Object.keys(facts).length === 0) delete next[symbol];
    else next[symbol] = facts;
  }
  return next;
}

export class BrokerAccounts {
  private readonly em: EntityManager;

  constructor(em: EntityManager) {
    this.em = em;
  }

  async add(input: NewBrokerAccount): Promise<BrokerAccountConfig> {
    if (!ACCOUNT_NAME.test(input.name))
      throw new AccountConflictError(`name ${JSON.stringify(input.name)}: letters, digits, . _ - (≤ 100)`, 'name');
    if (input.kind === 'paper' && input.environment === 'live')
      throw new AccountConflictError('a paper account moves no money: its environment is demo', 'environment');
    if (input.kind !== 'paper' && input.name.startsWith(PAPER_ACCOUNT_PREFIX))
      throw new AccountConflictError(`names starting ${PAPER_ACCOUNT_PREFIX} are for paper accounts`, 'name');
    const connection = parseConnection(input.kind, input.connection);
    refuseUnusableCaCert(connection);
    const em = this.em.fork();
    const row = em.create(BrokerAccount, {
      name: input.name,
      kind: input.kind,
      environment: input.environment,
      connection: connection.settings as Record<string, unknown>,
    });
    em.create(AuditLog, {
      entity: 'broker_account',
      entityId: input.name,
      event: 'account_added',
      reason: `${input.environment} ${input.kind} account added`,
      data: { kind: input.kind, environment: input.environment },
    });
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException)
        throw new AccountConflictError(`an account named ${input.name} already exists`, 'name');
      throw error;
    }
    return configOf(row);
  }

  async list(): Promise<IBrokerAccount[]> {
    return this.em.fork().find(BrokerAccount, {}, { orderBy: { name: 'asc' } });
  }

  async find(name: string): Promise<IBrokerAccount | null> {
    return this.em.fork().findOne(BrokerAccount, { name });
  }

  /** The account a bot's `brokerAccount` names: a registered one, or an implicit paper account. */
  async resolve(name: string): Promise<BrokerAccountConfig> {
    const row = await this.find(name);
    if (row) return configOf(row);
    if (name.startsWith(PAPER_ACCOUNT_PREFIX)) return implicitPaperAccount(name);
    throw new UnknownAccountError(name);
  }

  /** Removes an account no bot uses (deleted bots keep their audit trail, not the account). */
  async remove(name: string): Promise<void> {
    const em = this.em.fork();
    const row = await em.findOne(BrokerAccount, { name });
    if (!row) throw new AccountNotFoundError(name);
    const users = await em.count(Bot, { brokerAccount: name });
    if (users > 0)
      throw new AccountConflictError(`${users} bot(s) trade on ${name}: move or delete them first`, 'name');
    em.remove(row);
    em.create(AuditLog, { entity: 'broker_account', entityId: name, event: 'account_removed', reason: 'removed' });
    await em.flush();
  }

  /** The operator's opt-in (or opt-out) for trading a live account, with the reason audited. */
  async setLiveTrading(name: string, enabled: boolean, reason: string): Promise<BrokerAccountConfig> {
    const em = this.em.fork();
    const row = await em.findOne(BrokerAccount, { name });
    if (!row) throw new AccountNotFoundError(name);
    if (row.environment !== 'live')
      throw new AccountConflictError(`${name} is a demo account: it needs no live opt-in`, 'environment');
    row.liveTradingEnabled = enabled;
    em.create(AuditLog, {
      entity: 'broker_account',
      entityId: name,
      event: enabled ? 'live_trading_enabled' : 'live_trading_disabled',
      reason,
    });
    await em.flush();
    return configOf(row);
  }

  /**
   * The certificates a gateway account trusts, replaced (a renewed gateway certificate) or, with
   * `keep`, added beside the current ones (trust both while the gateway restarts with the new one):
   * audited with both sets' fingerprints, and picked up by running workers within a minute
   * (bots/broker-directory.ts). Returns the certificates the account now trusts.
   */
  async setCaCert(
    name: string,
    caCert: string,
    reason: string,
    { keep = false, url }: { keep?: boolean; url?: string } = {},
  ): Promise<string> {
    // Under a lock of the row: a change of its per-symbol facts at the same time is not undone.
    return this.em.fork().transactional(async (em) => {
      const row = await em.findOne(BrokerAccount, { name }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row) throw new AccountNotFoundError(name);
      if (row.kind !== 'mt5-gateway')
        throw new AccountConflictError(
          `${name} is a ${row.kind} account: only mt5-gateway accounts take a CA`,
          'caCert',
        );
      const current = typeof row.connection.caCert === 'string' ? row.connection.caCert : undefined;
      if (keep && current === undefined)
        throw new AccountConflictError(
          `${name} trusts no certificate of its own yet (the system's CAs): give --ca-file without --keep`,
          'caCert',
        );
      const problem = caCertProblem(caCert);
      if (problem !== null) throw new AccountConflictError(`caCert: ${problem}`, 'caCert');
      const trusted = keep && current !== undefined ? caCertsBeside(current, caCert, new Date()) : caCert;
      // A new URL with it: an install moved from http:// to https:// (the certificate checked against it).
      const connection = parseConnection(row.kind, { ...row.connection, caCert: trusted, ...(url ? { url } : {}) });
      refuseUnusableCaCert(connection);
      const previousUrl = row.connection.url;
      row.connection = connection.settings as Record<string, unknown>;
      em.create(AuditLog, {
        entity: 'broker_account',
        entityId: name,
        event: 'ca_cert_replaced',
        reason,
        data: {
          from: current === undefined ? [] : caCertFingerprints(current),
          to: caCertFingerprints(trusted),
          ...(url ? { url: { from: previousUrl, to: row.connection.url } } : {}),
        },
      });
      return trusted;
    });
  }

  /**
   * The per-symbol facts of a registered real account changed (its pip, widest spread, correlation
   * group, commission): merged into the ones it has under a lock of its row, audited with both, and
   * read by running workers within a minute. The changed symbols' cached specs are dropped, so a
   * backtest or a step reads them again from the broker, with the new facts, rather than the cache
   * a paused bot's cycles no longer refresh (a cycle in the minute a worker still has the old facts
   * caches those once more, until its next cycle). Nothing is written when one is refused, or when
   * nothing changes. Returns the account's facts now.
   */
  async setInstruments(
    name: string,
    changes: InstrumentChanges,
    reason: string,
  ): Promise<{ facts: InstrumentOverrides; changed: boolean }> {
    return this.em.fork().transactional(async (em) => {
      const row = await em.findOne(BrokerAccount, { name }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row) throw new AccountNotFoundError(name);
      const current = parseConnection(row.kind, row.connection);
      if (current.kind === 'paper')
        throw new AccountConflictError(`${name} is a paper account: its symbols are the paper broker's`, 'instruments');
      const before = current.settings.instruments ?? {};
      const next = parseConnection(row.kind, {
        ...row.connection,
        instruments: changedInstruments(before, changes),
      });
      const after = next.kind === 'paper' ? {} : (next.settings.instruments ?? {});
      if (isDeepStrictEqual(before, after)) return { facts: before, changed: false };
      row.connection = next.settings as Record<string, unknown>;
      const changedSymbols = Object.keys(changes).filter((symbol) => !isDeepStrictEqual(before[symbol], after[symbol]));
      await em.nativeDelete(Instrument, { brokerAccount: name, symbol: { $in: changedSymbols } });
      em.create(AuditLog, {
        entity: 'broker_account',
        entityId: name,
        event: 'instruments_changed',
        reason,
        data: { from: before, to: after },
      });
      return { facts: after, changed: true };
    });
  }
}
