// `npm run scalper -- <command>`: see `npm run scalper -- --help`.
import { CommanderError } from 'commander';
import { ZodError, z } from 'zod';
import { Mt5CsvError } from '../brokers/feeds/mt5-csv.ts';
import { MissingSecretError } from '../brokers/accounts.ts';
import { AccountUnreachableError, UnknownAccountError, UnknownSymbolError } from '../brokers/symbol-catalog.ts';
import { AccountConflictError, AccountNotFoundError } from '../db/broker-accounts.ts';
import { BotConflictError, BotNotFoundError, UnknownSettingsError } from '../bots/errors.ts';
import { TokenNameTakenError, TokenNotFoundError } from '../db/api-tokens.ts';
import { exitOnStartupError } from '../infra/startup-error.ts';
import { buildProgram } from './program.ts';
import { InputFileError } from './input-file.ts';
import { BacktestOptionError } from './backtest-option-error.ts';

// A command loads and opens only what it uses: Temporal's client (~50 MB, and its start-up time)
// only for the bots' commands, the database driver only for a command that reads or writes the
// database (a backtest on synthetic or CSV bars uses neither).
const program = buildProgram(
  {
    database: async () => (await import('./database-connection.ts')).connectToDatabase(),
    engine: async () => (await import('./engine-connection.ts')).connectToEngine(),
  },
  (line) => process.stdout.write(`${line}\n`),
);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof BacktestOptionError) {
    process.stderr.write(`scalper: ${error.message}\n`);
    process.exit(2);
  }
  if (
    error instanceof UnknownSettingsError ||
    error instanceof UnknownSymbolError ||
    error instanceof UnknownAccountError
  ) {
    process.stderr.write(`scalper: invalid settings: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof ZodError) {
    process.stderr.write(`scalper: invalid settings\n${z.prettifyError(error)}\n`);
    process.exit(2);
  }
  if (
    error instanceof BotNotFoundError ||
    error instanceof BotConflictError ||
    error instanceof Mt5CsvError ||
    error instanceof TokenNameTakenError ||
    error instanceof TokenNotFoundError ||
    error instanceof InputFileError ||
    error instanceof AccountConflictError ||
    error instanceof AccountNotFoundError ||
    error instanceof AccountUnreachableError ||
    error instanceof MissingSecretError
  ) {
    process.stderr.write(`scalper: ${error.message}\n`);
    process.exit(1);
  }
  exitOnStartupError(error);
}
