// `scalper backtest`'s options as commander hands them over (text), read and checked with the
// schemas the backtest API uses (bots/backtest-request.ts), so CLI and API accept the same values.
// Anything wrong is one BacktestOptionError naming the option, before anything runs.
import { InvalidArgumentError } from 'commander';
import { z } from 'zod';
import { RANK_METRICS, type RankMetric } from '../backtest/sweep/rank.ts';
import type { ServerClock } from '../brokers/feeds/server-clock.ts';
import { STOPS_PRIORITIES } from '../brokers/paper/stops.ts';
import {
  checkRequestedCycles,
  costsShape,
  CycleRequestError,
  cycleShape,
  DEFAULT_BACKTEST_SEED,
  periodProblems,
  replayShape,
  type RequestedCycles,
} from '../bots/backtest-request.ts';
import { botSettingsShape } from '../bots/settings.ts';
import type { CostModel } from '../backtest/types.ts';
import { BacktestOptionError } from './backtest-option-error.ts';
import { parsePeriod, type Period } from './backtest-period.ts';
import { unknownSettingProblem, type SettingsChanges } from './backtest-settings.ts';
import { serverClock, setting, strategies } from './options.ts';

export const BAR_SOURCES = ['synthetic', 'database', 'csv'] as const;

/** What an option left out stands for, as typed (the help shows them). */
export const OPTION_DEFAULTS = {
  balance: '10000',
  accountMode: 'hedging',
  leverage: '100',
  slippage: '0',
  slippageJitter: '0',
  stops: 'ohlc_path',
  rankBy: 'netPnl',
  top: '10',
} as const;

/** What commander gives: the values as typed (repeatable options as lists), undefined when left out. */
export interface RawBacktestOptions {
  symbol?: string;
  from?: string;
  to?: string;
  source?: string;
  csv?: string;
  utcOffset?: string;
  serverClock?: string;
  seed?: string;
  bot?: string;
  strategies?: string;
  param?: string[];
  risk?: string[];
  settings?: string;
  lookback?: string;
  balance?: string;
  accountMode?: string;
  leverage?: string;
  spread?: string;
  commission?: string;
  slippage?: string;
  slippageJitter?: string;
  stops?: string;
  cycleDelay?: string;
  cycleInterval?: string;
  cycleOffset?: string;
  out?: string;
  json?: boolean;
  sweep?: string[];
  rankBy?: string;
  top?: string;
  threads?: string;
  walkForward?: string;
}

export type BarSource =
  { kind: 'synthetic' } | { kind: 'database' } | { kind: 'csv'; file: string; serverClock: ServerClock };

export interface SweepOptions {
  specs: string[];
  rankBy: RankMetric;
  top: number;
  /** Worker threads; undefined: one per CPU. */
  threads: number | undefined;
  /** Walk-forward folds: the period is cut into folds + 1 windows, each fold trains on one and tests on the next. */
  walkForwardFolds: number | undefined;
}

export interface BacktestOptions {
  /** Undefined with `--bot`: the bot's symbol. */
  symbol: string | undefined;
  period: Period;
  source: BarSource;
  /** Seeds the synthetic feed and the slippage jitter. */
  seed: number;
  botId: number | undefined;
  /** The settings file's path, read once the options are known to be good. */
  settingsFile: string | undefined;
  changes: SettingsChanges;
  startingBalance: number;
  accountMode: 'hedging' | 'netting';
  leverage: number;
  /** The cycles asked for (--cycle-delay, or --cycle-interval and --cycle-offset); the rest: the bot's, else the default. */
  cycles: RequestedCycles;
  /** commissionPerLot null: the instrument's. */
  costs: Omit<CostModel, 'commissionPerLot'> & { commissionPerLot: number | null };
  /** Undefined: backtests/<symbol>-<period>/. */
  out: string | undefined;
  json: boolean;
  sweep: SweepOptions | undefined;
}

const count = z.number().int().min(1);
/** Broker server time minus UTC: UTC−12 to UTC+14. */
const utcOffsetMinutes = z.number().int().min(-720).max(840);

function refuse(message: string): never {
  throw new BacktestOptionError(message);
}

function numberOf<T>(option: string, text: string, schema: z.ZodType<T>): T {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) refuse(`${option} ${text}: not a number`);
  const result = schema.safeParse(value);
  return result.success ? result.data : refuse(`${option} ${text}: ${result.error.issues[0]?.message ?? 'invalid'}`);
}

function optionalNumber<T>(option: string, text: string | undefined, schema: z.ZodType<T>): T | undefined {
  return text === undefined ? undefined : numberOf(option, text, schema);
}

const CYCLE_FLAGS = {
  cycleDelaySeconds: ['--cycle-delay', 'cycleDelay'],
  cycleIntervalSeconds: ['--cycle-interval', 'cycleInterval'],
  cycleOffsetMs: ['--cycle-offset', 'cycleOffset'],
} as const;

/** The cycle flags, as a request's cycle fields; a contradiction is refused naming its flag. */
function cyclesOf(raw: RawBacktestOptions): RequestedCycles {
  const cycles = {
    cycleDelaySeconds: optionalNumber('--cycle-delay', raw.cycleDelay, cycleShape.cycleDelaySeconds),
    cycleIntervalSeconds: optionalNumber('--cycle-interval', raw.cycleInterval, cycleShape.cycleIntervalSeconds),
    cycleOffsetMs: optionalNumber('--cycle-offset', raw.cycleOffset, cycleShape.cycleOffsetMs),
  };
  try {
    checkRequestedCycles(cycles);
  } catch (error) {
    if (!(error instanceof CycleRequestError)) throw error;
    const [flag, key] = CYCLE_FLAGS[error.field];
    refuse(`${flag} ${raw[key]}: ${error.message}`);
  }
  return cycles;
}

function oneOf<T extends string>(option: string, text: string, choices: readonly T[]): T {
  return (choices as readonly string[]).includes(text)
    ? (text as T)
    : refuse(`${option} ${text}: ${choices.join(' or ')}`);
}

/** A commander parser's complaint, as this command's one-line error. */
function parsedBy<T>(option: string, text: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidArgumentError) refuse(`${option} ${text}: ${error.message}`);
    throw error;
  }
}

function sourceOf(raw: RawBacktestOptions): BarSource {
  const kind =
    raw.source === undefined
      ? raw.csv === undefined
        ? 'synthetic'
        : 'csv'
      : oneOf('--source', raw.source, BAR_SOURCES);
  if (kind !== 'csv') {
    if (raw.csv !== undefined)
      refuse(`--csv ${raw.csv}: only with --source csv (the bars come from the ${kind} source)`);
    if (raw.utcOffset !== undefined) refuse(`--utc-offset ${raw.utcOffset}: only with --csv`);
    if (raw.serverClock !== undefined) refuse(`--server-clock ${raw.serverClock}: only with --csv`);
    return { kind };
  }
  if (raw.csv === undefined) refuse('--source csv: needs --csv <file>');
  if (raw.serverClock === undefined) {
    const offset = optionalNumber('--utc-offset', raw.utcOffset, utcOffsetMinutes) ?? 0;
    return { kind, file: raw.csv, serverClock: { kind: 'offset', utcOffsetMinutes: offset } };
  }
  if (raw.utcOffset !== undefined) refuse(`--server-clock ${raw.serverClock}: either it or --utc-offset, not both`);
  const text = raw.serverClock;
  return { kind, file: raw.csv, serverClock: parsedBy('--server-clock', text, () => serverClock(text)) };
}

function changesOf(raw: RawBacktestOptions): SettingsChanges {
  const params = (raw.param ?? []).map((entry) => {
    const [[path, value] = ['', '']] = Object.entries(parsedBy('--param', entry, () => setting(entry)));
    if (!/^\w+\.\w+$/.test(path) || path.startsWith('risk.'))
      refuse(`--param ${entry}: expected <strategy>.<param>=value, e.g. pin_bar.maxBodyRatio=0.3`);
    return { origin: `--param ${entry}`, path, value };
  });
  const risk = (raw.risk ?? []).map((entry) => {
    const [[key, value] = ['', '']] = Object.entries(parsedBy('--risk', entry, () => setting(entry)));
    if (!/^\w+$/.test(key)) refuse(`--risk ${entry}: expected <setting>=value, e.g. riskPerTradePct=0.5`);
    return { origin: `--risk ${entry}`, path: `risk.${key}`, value };
  });
  // Typos are refused now, before a bot or a file is read.
  for (const { origin, path } of [...params, ...risk]) {
    const problem = unknownSettingProblem(path);
    if (problem !== null) refuse(`${origin}: ${problem}`);
  }
  const list = raw.strategies;
  const lookback = optionalNumber('--lookback', raw.lookback, botSettingsShape.lookback);
  return {
    enabledStrategies:
      list === undefined
        ? undefined
        : { origin: `--strategies ${list}`, value: parsedBy('--strategies', list, () => strategies(list)) },
    lookback: lookback === undefined ? undefined : { origin: `--lookback ${raw.lookback}`, value: lookback },
    assignments: [...params, ...risk],
  };
}

function sweepOf(raw: RawBacktestOptions): SweepOptions | undefined {
  const walkForwardFolds = optionalNumber('--walk-forward', raw.walkForward, count);
  const specs = raw.sweep ?? [];
  if (specs.length === 0) {
    if (walkForwardFolds !== undefined)
      refuse(`--walk-forward ${raw.walkForward}: needs --sweep (the grid each fold optimises)`);
    return undefined;
  }
  return {
    specs,
    rankBy: oneOf('--rank-by', raw.rankBy ?? OPTION_DEFAULTS.rankBy, RANK_METRICS),
    top: numberOf('--top', raw.top ?? OPTION_DEFAULTS.top, count),
    threads: optionalNumber('--threads', raw.threads, count),
    walkForwardFolds,
  };
}

export function parseBacktestOptions(raw: RawBacktestOptions, now: number): BacktestOptions {
  const botId = optionalNumber('--bot', raw.bot, count);
  if (raw.symbol === undefined && botId === undefined) refuse('--symbol: required (or --bot <id> for its symbol)');
  const period = parsePeriod(raw.from, raw.to, now);
  for (const { message } of periodProblems(new Date(period.from).toISOString(), new Date(period.to).toISOString()))
    refuse(`--to ${raw.to ?? '(default)'}: ${message.replace('from', '--from')}`);
  return {
    symbol: raw.symbol,
    period,
    source: sourceOf(raw),
    seed: optionalNumber('--seed', raw.seed, replayShape.seed) ?? DEFAULT_BACKTEST_SEED,
    botId,
    settingsFile: raw.settings,
    changes: changesOf(raw),
    startingBalance: numberOf('--balance', raw.balance ?? OPTION_DEFAULTS.balance, replayShape.startingBalance),
    accountMode: oneOf('--account-mode', raw.accountMode ?? OPTION_DEFAULTS.accountMode, [
      'hedging',
      'netting',
    ] as const),
    leverage: numberOf('--leverage', raw.leverage ?? OPTION_DEFAULTS.leverage, replayShape.leverage),
    cycles: cyclesOf(raw),
    costs: {
      spreadPoints: optionalNumber('--spread', raw.spread, costsShape.spreadPoints) ?? null,
      commissionPerLot: optionalNumber('--commission', raw.commission, costsShape.commissionPerLot) ?? null,
      slippagePoints: numberOf('--slippage', raw.slippage ?? OPTION_DEFAULTS.slippage, costsShape.slippagePoints),
      slippageJitterPoints: numberOf(
        '--slippage-jitter',
        raw.slippageJitter ?? OPTION_DEFAULTS.slippageJitter,
        costsShape.slippageJitterPoints,
      ),
      stopsPriority: oneOf('--stops', raw.stops ?? OPTION_DEFAULTS.stops, STOPS_PRIORITIES),
    },
    out: raw.out,
    json: raw.json === true,
    sweep: sweepOf(raw),
  };
}
