// The per-symbol facts of a real account that MT5 does not report (pip, widest spread, correlation
// group, commission): changed after `account add` with `account set-instrument`, and named by
// `account add` and `account check` where the engine assumes them, so that a guessed pip (every
// pip setting is scaled by it) or a commission left out of sizing is seen before a bot trades.
// Errors found in the action are AccountConflictErrors: commander prints only its own parsers'.
import { type Command, InvalidArgumentError } from 'commander';
import { INSTRUMENT_OVERRIDE_KEYS, type InstrumentOverrides, MissingSecretError } from '../brokers/accounts.ts';
import { AccountUnreachableError, UnknownSymbolError } from '../brokers/symbol-catalog.ts';
import { AccountConflictError, type InstrumentChanges } from '../db/broker-accounts.ts';
import type { InstrumentSpec } from '../trading/market.ts';
import type { DatabaseConnection, WithDatabase } from './database-connection.ts';
import { instrumentOverride } from './options.ts';

type Print = (line: string) => void;

/** `SYMBOL:key`: a fact to drop, gathered per symbol as a null beside the ones set. */
export function unsetFact(entry: string, previous: InstrumentChanges = {}): InstrumentChanges {
  const match = /^([^:\s]+):(\w+)$/.exec(entry);
  if (!match) throw new InvalidArgumentError(`expected SYMBOL:key, got ${entry}`);
  const [, symbol = '', key = ''] = match;
  if (!(INSTRUMENT_OVERRIDE_KEYS as string[]).includes(key))
    throw new InvalidArgumentError(`${key} is not one of ${INSTRUMENT_OVERRIDE_KEYS.join(', ')}`);
  return { ...previous, [symbol]: { ...previous[symbol], [key]: null } };
}

/** The facts set and dropped, per symbol: a symbol both sets and drops the same fact only once. */
function changesOf(set: InstrumentChanges, unset: InstrumentChanges): InstrumentChanges {
  const changes: InstrumentChanges = structuredClone(set);
  for (const [symbol, facts] of Object.entries(unset)) {
    for (const key of Object.keys(facts)) {
      if (changes[symbol] && key in changes[symbol])
        throw new AccountConflictError(`${symbol}:${key} is both set and unset`, 'instruments');
    }
    changes[symbol] = { ...changes[symbol], ...facts };
  }
  return changes;
}

export function describeInstruments(overrides: InstrumentOverrides): string[] {
  const symbols = Object.entries(overrides);
  if (symbols.length === 0) return ['no facts set: every symbol takes what its spec implies'];
  // In the schema's order: the database keeps JSON keys in an order of its own.
  const listed = (facts: Record<string, unknown>) =>
    INSTRUMENT_OVERRIDE_KEYS.filter((key) => facts[key] !== undefined).map((key) => `${key} ${String(facts[key])}`);
  return symbols.map(([symbol, facts]) => `${symbol}: ${listed(facts).join(', ')}`);
}

/** What `account check` adds after a symbol's spec: the facts the engine assumes for it. */
export function assumedFacts(account: string, spec: InstrumentSpec, overrides: InstrumentOverrides): string[] {
  const set = overrides[spec.symbol] ?? {};
  const hint = (fact: string) =>
    `set it with \`scalper account set-instrument ${account} --instrument ${spec.symbol}:${fact} --reason …\``;
  const lines: string[] = [];
  if (set.pipSize === undefined)
    lines.push(
      `${spec.symbol}: pip ${spec.pipSize} is assumed (10 points): right for 5- and 3-digit forex, not for gold, indices or crypto, and every pip setting (SL, TP, trailing stop, stop buffers) is scaled by it; ${hint('pipSize=<pip>')}`,
    );
  if (set.commissionPerLot === undefined)
    lines.push(
      `${spec.symbol}: no commission set: sizing and the margin check count none; ${hint('commissionPerLot=<per lot per side>')}`,
    );
  return lines;
}

/**
 * Facts set for a symbol the account does not offer (`XAUUSD` for `XAUUSDm`) would leave the real
 * one on assumed facts: refused, naming what it offers. A broker out of reach is said, not fatal.
 */
async function checkOffered(database: DatabaseConnection, account: string, symbols: string[], print: Print) {
  if (symbols.length === 0) return;
  let offered: readonly string[];
  try {
    offered = await database.symbols.symbolsOf(account);
  } catch (error) {
    if (!(error instanceof AccountUnreachableError || error instanceof MissingSecretError)) throw error;
    print(`could not check that ${account} offers ${symbols.join(', ')}: ${error.message}`);
    return;
  }
  for (const symbol of symbols) if (!offered.includes(symbol)) throw new UnknownSymbolError(symbol, account, offered);
}

export function addSetInstrumentCommand(account: Command, withDatabase: WithDatabase, print: Print): void {
  account
    .command('set-instrument')
    .argument('<name>', 'a registered mt5-gateway or metaapi account')
    .option(
      '--instrument <SYMBOL:key=value,…>',
      `facts to set per symbol: ${INSTRUMENT_OVERRIDE_KEYS.join(', ')} (repeatable)`,
      instrumentOverride,
    )
    .option('--unset <SYMBOL:key>', "a fact to drop: the symbol's spec decides it again (repeatable)", unsetFact)
    .requiredOption('--reason <text>', 'why, for the audit log')
    .description(
      "Change the per-symbol facts MT5 does not report (audited); running workers use them within a minute, bots' settings stay",
    )
    .action(
      withDatabase(
        async (
          database,
          name: string,
          options: { instrument?: InstrumentChanges; unset?: InstrumentChanges; reason: string },
        ) => {
          if (options.instrument === undefined && options.unset === undefined)
            throw new AccountConflictError('give --instrument SYMBOL:key=value or --unset SYMBOL:key', 'instruments');
          const changes = changesOf(options.instrument ?? {}, options.unset ?? {});
          // A paper or unknown account is refused by setInstruments, for what it is.
          const registered = await database.accounts.find(name);
          if (registered !== null && registered.kind !== 'paper')
            await checkOffered(database, name, Object.keys(options.instrument ?? {}), print);
          const { facts, changed } = await database.accounts.setInstruments(name, changes, options.reason);
          print(
            changed
              ? `account ${name}: facts changed (${options.reason}); running workers use them within a minute`
              : `account ${name}: nothing to change`,
          );
          for (const line of describeInstruments(facts)) print(`  ${line}`);
        },
      ),
    );
}
