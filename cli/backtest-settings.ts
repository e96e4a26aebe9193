// The trading settings a backtest runs with, exactly as a bot takes them: the defaults of a new bot
// or a bot's own (`--bot`), then a settings file, then `--strategies`/`--param`/`--risk`/`--lookback`.
// Each change remembers where it came from, so a refused value names the option that gave it.
import { z, ZodError, type ZodType } from 'zod';
import { sweepTarget } from '../backtest/sweep/point.ts';
import { botSettingsShape } from '../bots/settings.ts';
import { riskSettingsSchema, type RiskSettings } from '../trading/risk/index.ts';
import {
  STRATEGY_NAMES,
  strategyParamsSchema,
  type StrategyName,
  type StrategyParams,
} from '../trading/strategies/index.ts';
import { lookbackFor } from '../trading/strategies/lookback.ts';
import { BacktestOptionError } from './backtest-option-error.ts';

export interface TradingSettings {
  enabledStrategies: StrategyName[];
  strategyParams: StrategyParams;
  riskSettings: RiskSettings;
  /** The requested lookback; the engine raises it to what the strategies need (lookbackFor). */
  lookback: number | undefined;
}

/** One setting and who gave it: `path` is `<strategy>.<param>` or `risk.<setting>`, as `--sweep` names them. */
export interface SettingAssignment {
  origin: string;
  path: string;
  value: unknown;
}

export interface SettingsChanges {
  enabledStrategies?: { origin: string; value: StrategyName[] } | undefined;
  lookback?: { origin: string; value: number } | undefined;
  assignments: SettingAssignment[];
}

export const NEW_BOT_SETTINGS: TradingSettings = {
  enabledStrategies: [...STRATEGY_NAMES],
  strategyParams: strategyParamsSchema.parse({}),
  riskSettings: riskSettingsSchema.parse({}),
  lookback: undefined,
};

/** A bot row's settings, read with the schemas a bot's settings pass (defaults for what it predates). */
export function botTradingSettings(bot: {
  enabledStrategies: unknown;
  strategyParams: unknown;
  riskSettings: unknown;
  lookback: number;
}): TradingSettings {
  return {
    enabledStrategies: botSettingsShape.enabledStrategies.parse(bot.enabledStrategies),
    strategyParams: strategyParamsSchema.parse(bot.strategyParams),
    riskSettings: riskSettingsSchema.parse(bot.riskSettings),
    lookback: bot.lookback,
  };
}

/** Why `path` is no setting: an unknown risk setting or strategy parameter. */
export function unknownSettingProblem(path: string): string | null {
  if (sweepTarget(path) !== null) return null;
  return path.startsWith('risk.') ? 'unknown risk setting' : 'unknown parameter';
}

function parsed<T>(schema: ZodType<T>, value: unknown, originOf: (issuePath: string) => string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  throw new BacktestOptionError(`${originOf(issue?.path.join('.') ?? '')}: ${issue?.message ?? 'invalid'}`);
}

/** `base` with `changes` applied and checked; `baseOrigin` names the base in an error (`--bot 3`, `defaults`). */
export function applySettingsChanges(
  base: TradingSettings,
  changes: SettingsChanges,
  baseOrigin: string,
): TradingSettings {
  const params: Record<string, Record<string, unknown>> = { ...base.strategyParams };
  const risk: Record<string, unknown> = { ...base.riskSettings };
  const origins = new Map<string, string>();
  for (const { origin, path, value } of changes.assignments) {
    const problem = unknownSettingProblem(path);
    if (problem !== null) throw new BacktestOptionError(`${origin}: ${problem}`);
    const [group = '', key = ''] = path.split('.');
    if (group === 'risk') risk[key] = value;
    else params[group] = { ...params[group], [key]: value };
    origins.set(path, origin);
  }
  const originOf = (path: string) => origins.get(path) ?? `${baseOrigin}: ${path}`;
  const settings: TradingSettings = {
    enabledStrategies: changes.enabledStrategies?.value ?? base.enabledStrategies,
    strategyParams: parsed(strategyParamsSchema, params, originOf),
    riskSettings: parsed(riskSettingsSchema, risk, (path) => originOf(`risk.${path}`)),
    lookback: changes.lookback?.value ?? base.lookback,
  };
  // Periods too long for a bot's lookback are refused as a bot's would be, naming who set them.
  try {
    lookbackFor(settings.lookback, settings.enabledStrategies, settings.strategyParams);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const [issue] = error.issues;
    const strategy = String(issue?.path[1] ?? '');
    const origin = [...origins].find(([path]) => path.startsWith(`${strategy}.`))?.[1] ?? baseOrigin;
    throw new BacktestOptionError(`${origin}: ${issue?.message ?? error.message}`);
  }
  return settings;
}

/** What a settings file may give: a bot's JSON (`scalper show` prints one); its other fields are not settings. */
const settingsFileSchema = z.object({
  enabledStrategies: botSettingsShape.enabledStrategies.optional(),
  strategyParams: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  riskSettings: z.record(z.string(), z.unknown()).optional(),
  lookback: botSettingsShape.lookback.optional(),
});

/** The changes a settings file makes; `origin` names the file (`--settings bot.json`). */
export function settingsFileChanges(origin: string, json: unknown): SettingsChanges {
  const file = parsed(settingsFileSchema, json, (path) => (path === '' ? origin : `${origin}: ${path}`));
  const params = Object.entries(file.strategyParams ?? {}).flatMap(([strategy, values]) =>
    Object.entries(values).map(([key, value]) => ({
      origin: `${origin}: strategyParams.${strategy}.${key}`,
      path: `${strategy}.${key}`,
      value,
    })),
  );
  const risk = Object.entries(file.riskSettings ?? {}).map(([key, value]) => ({
    origin: `${origin}: riskSettings.${key}`,
    path: `risk.${key}`,
    value,
  }));
  return {
    enabledStrategies: file.enabledStrategies && { origin, value: file.enabledStrategies },
    lookback: file.lookback === undefined ? undefined : { origin, value: file.lookback },
    assignments: [...params, ...risk],
  };
}
