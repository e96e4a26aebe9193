// A grid point — one value per swept path — and the settings it makes out of a base.
import type { z } from 'zod';
import { riskSettingsSchema, type RiskSettings } from '../../trading/risk/index.ts';
import { STRATEGY_NAMES, strategyParamsSchema, type StrategyParams } from '../../trading/strategies/index.ts';
import type { BacktestSettings } from '../types.ts';
import type { SweepValue } from './spec.ts';

/** Path (`pin_bar.maxBodyRatio`, `risk.riskPerTradePct`) → value, in the order the specs came. */
export type SweepPoint = Readonly<Record<string, SweepValue>>;

export type SweepBase = Pick<BacktestSettings, 'strategyParams' | 'riskSettings'>;

// Every setting has a default, so the defaults list every name the schemas know (zod drops unknown keys silently).
const DEFAULT_STRATEGY_PARAMS = strategyParamsSchema.parse({});
const DEFAULT_RISK_SETTINGS = riskSettingsSchema.parse({});

/** The path's group (a strategy or `risk`) and setting, or null when no schema knows it. */
export function sweepTarget(path: string): { group: string; key: string } | null {
  const [group = '', key = ''] = path.split('.');
  const defaults =
    group === 'risk'
      ? DEFAULT_RISK_SETTINGS
      : (STRATEGY_NAMES as readonly string[]).includes(group)
        ? DEFAULT_STRATEGY_PARAMS[group as keyof StrategyParams]
        : null;
  return defaults !== null && Object.hasOwn(defaults, key) ? { group, key } : null;
}

export function describePoint(point: SweepPoint): string {
  return Object.entries(point)
    .map(([path, value]) => `${path}=${String(value)}`)
    .join(' ');
}

function parseOrExplain<T>(schema: z.ZodType<T>, input: unknown, pathPrefix: string, point: SweepPoint): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = pathPrefix + issue.path.join('.');
    return `${path in point ? `${path}=${String(point[path])}` : path}: ${issue.message}`;
  });
  throw new Error(problems.join('; '));
}

/**
 * The base with the point's values set, checked by the same schemas a bot's settings pass.
 * Throws, naming the path and value, on an unknown path or a value the schema refuses.
 */
export function applySweepPoint<T extends SweepBase>(base: T, point: SweepPoint): T {
  const strategyParams: Record<string, Record<string, unknown>> = { ...base.strategyParams };
  const riskSettings: Record<string, unknown> = { ...base.riskSettings };
  for (const [path, value] of Object.entries(point)) {
    const target = sweepTarget(path);
    if (target === null) throw new Error(`unknown parameter ${path}`);
    if (target.group === 'risk') riskSettings[target.key] = value;
    else strategyParams[target.group] = { ...strategyParams[target.group], [target.key]: value };
  }
  return {
    ...base,
    strategyParams: parseOrExplain<StrategyParams>(strategyParamsSchema, strategyParams, '', point),
    riskSettings: parseOrExplain<RiskSettings>(riskSettingsSchema, riskSettings, 'risk.', point),
  };
}
