// Everything a CLI backtest needs before it computes: the trading settings (a new bot's or a bot's,
// then the settings file and the flags), the instrument it trades, the sweep grid and walk-forward
// folds, and the bars. The engine's database is opened only for `--bot` and the database source.
import { SweepGridError, sweepGrid } from '../backtest/sweep/grid.ts';
import { longestLookback } from '../backtest/sweep/lookback.ts';
import type { SweepPoint } from '../backtest/sweep/point.ts';
import type { BacktestSettings } from '../backtest/types.ts';
import { walkForwardFolds, type WalkForwardFold } from '../backtest/walk-forward.ts';
import { DEFAULT_CYCLE_SCHEDULE, requestedCycles } from '../bots/backtest-request.ts';
import { botCycleSchedule } from '../bots/cycle-timing.ts';
import { PAPER_ACCOUNT_PREFIX } from '../brokers/accounts.ts';
import { paperInstruments } from '../brokers/paper/instruments.ts';
import { Bot, Instrument, type IBot } from '../db/entities/index.ts';
import { instrumentSpecOf } from '../db/instrument-spec.ts';
import { loadBacktestBars, type BacktestBars } from './backtest-bars.ts';
import { BacktestOptionError } from './backtest-option-error.ts';
import type { BacktestOptions } from './backtest-options.ts';
import {
  applySettingsChanges,
  botTradingSettings,
  NEW_BOT_SETTINGS,
  settingsFileChanges,
  type SettingsChanges,
} from './backtest-settings.ts';
import type { DatabaseConnection } from './database-connection.ts';
import { InputFileError, readInputFile } from './input-file.ts';

/** Bars read before the period, in lookbacks: the live bot converges on one; the rest is margin. */
const WARM_UP_LOOKBACKS = 2;

export interface BacktestPlan {
  settings: BacktestSettings;
  bars: BacktestBars;
  /** Whose settings these are, as the summary says it. */
  settingsOrigin: string;
  points: SweepPoint[] | undefined;
  folds: WalkForwardFold[] | undefined;
}

function refuse(message: string): never {
  throw new BacktestOptionError(message);
}

async function settingsFile(path: string): Promise<SettingsChanges> {
  const origin = `--settings ${path}`;
  try {
    return settingsFileChanges(origin, JSON.parse(new TextDecoder().decode(await readInputFile(path))));
  } catch (error) {
    if (error instanceof InputFileError || error instanceof SyntaxError) refuse(`${origin}: ${error.message}`);
    throw error;
  }
}

/** The file's changes, then the flags' (which win). */
function combined(file: SettingsChanges | null, flags: SettingsChanges): SettingsChanges {
  return {
    enabledStrategies: flags.enabledStrategies ?? file?.enabledStrategies,
    lookback: flags.lookback ?? file?.lookback,
    assignments: [...(file?.assignments ?? []), ...flags.assignments],
  };
}

/**
 * A paper account's spec at this leverage, or the spec a real account's bot cached, else the one
 * its broker gives now (a bot that has not cycled since, or since its facts changed).
 */
async function instrumentOf(database: DatabaseConnection | null, account: string, symbol: string, leverage: number) {
  if (account.startsWith(PAPER_ACCOUNT_PREFIX)) {
    const instruments = paperInstruments(leverage);
    const spec = instruments.find((instrument) => instrument.symbol === symbol);
    return spec ?? refuse(`--symbol ${symbol}: not a paper symbol (${instruments.map((i) => i.symbol).join(', ')})`);
  }
  const row = await database?.orm.em.fork().findOne(Instrument, { brokerAccount: account, symbol });
  if (row) return instrumentSpecOf(row);
  try {
    if (database === null) throw new Error('no database to ask');
    return await database.symbols.brokerFor(account).instrument(symbol);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return refuse(`--symbol ${symbol}: no ${symbol} spec cached for account ${account}, nor from its broker: ${why}`);
  }
}

/** The most closed bars any run needs (backtest/sweep/lookback.ts). */
function sweepLookback(settings: BacktestSettings, points: readonly SweepPoint[]): number {
  try {
    return longestLookback(settings, points);
  } catch (error) {
    if (!(error instanceof SweepGridError)) throw error;
    refuse(error.message);
  }
}

function sweepPlan(options: BacktestOptions, settings: BacktestSettings) {
  if (options.sweep === undefined) return { points: undefined, folds: undefined };
  let points: SweepPoint[];
  try {
    points = sweepGrid(options.sweep.specs, settings);
  } catch (error) {
    refuse(error instanceof Error ? error.message : String(error));
  }
  const folds = options.sweep.walkForwardFolds;
  if (folds === undefined) return { points, folds: undefined };
  try {
    return { points, folds: walkForwardFolds(settings, { windows: folds + 1 }) };
  } catch (error) {
    refuse(`--walk-forward ${folds}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function botOf(database: DatabaseConnection | null, botId: number | undefined): Promise<IBot | null> {
  if (botId === undefined || database === null) return null;
  const bot = await database.orm.em.fork().findOne(Bot, botId);
  return bot ?? refuse(`--bot ${botId}: bot ${botId} does not exist`);
}

async function resolvePlan(options: BacktestOptions, database: DatabaseConnection | null): Promise<BacktestPlan> {
  const bot = await botOf(database, options.botId);
  const baseOrigin = bot ? `--bot ${bot.id}` : 'defaults';
  const file = options.settingsFile === undefined ? null : await settingsFile(options.settingsFile);
  const base = bot ? botTradingSettings(bot) : NEW_BOT_SETTINGS;
  const trading = applySettingsChanges(base, combined(file, options.changes), baseOrigin);
  const symbol = options.symbol ?? bot?.symbol ?? refuse('--symbol: required');
  const account = bot?.brokerAccount ?? `${PAPER_ACCOUNT_PREFIX}1`;
  const { commissionPerLot, ...instrument } = await instrumentOf(database, account, symbol, options.leverage);
  const settings: BacktestSettings = {
    symbol,
    instrument,
    ...trading,
    startingBalance: options.startingBalance,
    accountMode: options.accountMode,
    leverage: options.leverage,
    costs: { ...options.costs, commissionPerLot: options.costs.commissionPerLot ?? commissionPerLot },
    schedule: requestedCycles(options.cycles, bot ? botCycleSchedule(bot) : DEFAULT_CYCLE_SCHEDULE),
    from: options.period.from,
    to: options.period.to,
    seed: options.seed,
  };
  const { points, folds } = sweepPlan(options, settings);
  const warmUp = WARM_UP_LOOKBACKS * sweepLookback(settings, points ?? []);
  const bars = await loadBacktestBars(options.source, {
    symbol,
    period: options.period,
    warmUp,
    seed: options.seed,
    orm: database?.orm ?? null,
  });
  const settingsOrigin = `${bot ? `bot ${bot.id} ${bot.name}` : 'new bot'}, account ${account}`;
  return { settings, bars, settingsOrigin, points, folds };
}

/** Resolves the options into a plan; the database connection is closed before the computing starts. */
export async function planBacktest(
  options: BacktestOptions,
  connect: () => Promise<DatabaseConnection>,
): Promise<BacktestPlan> {
  const needsDatabase = options.botId !== undefined || options.source.kind === 'database';
  const database = needsDatabase ? await connect() : null;
  try {
    return await resolvePlan(options, database);
  } finally {
    await database?.close();
  }
}
