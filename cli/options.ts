// Option values of the `scalper` commands, parsed and refused with a message naming what is wrong.
import { InvalidArgumentError } from 'commander';
import { parseServerClock, type ServerClock, ServerClockError } from '../brokers/feeds/server-clock.ts';
import { STRATEGY_NAMES, type StrategyName } from '../trading/strategies/index.ts';

export function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError('not a whole number');
  return parsed;
}

export function strategies(value: string): StrategyName[] {
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(STRATEGY_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw new InvalidArgumentError(`unknown ${unknown.join(', ')}; known: ${STRATEGY_NAMES.join(', ')}`);
  return names as StrategyName[];
}

/** `key=value` with the value read as a number, a boolean or text. */
export function setting(entry: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const match = /^([\w.]+)=(.*)$/.exec(entry);
  if (!match) throw new InvalidArgumentError(`expected key=value, got ${entry}`);
  const [, key = '', raw = ''] = match;
  const value =
    raw === 'true' ? true : raw === 'false' ? false : raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return { ...previous, [key]: value };
}

/**
 * `strategy.param=value` entries grouped by strategy, refused as the option is read (an error
 * thrown later, in the command's action, would exit without commander's message).
 */
export function strategyParam(
  entry: string,
  previous: Record<string, Record<string, unknown>> = {},
): Record<string, Record<string, unknown>> {
  const [[key, value] = ['', '']] = Object.entries(setting(entry));
  const [strategy, param, ...rest] = key.split('.');
  if (!strategy || !param || rest.length > 0)
    throw new InvalidArgumentError(`expected strategy.param=value, e.g. pin_bar.maxBodyRatio=0.3, got ${entry}`);
  return { ...previous, [strategy]: { ...previous[strategy], [param]: value } };
}

/** Seconds after each bar close, or `off` for the fixed interval (null). */
export function afterBarClose(value: string): number | null {
  return value === 'off' ? null : integer(value);
}

export function onOff(value: string): boolean {
  if (value !== 'on' && value !== 'off') throw new InvalidArgumentError('on or off');
  return value === 'on';
}

/** One of `choices`, as commander's option parser. */
export function oneOf<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(choices.join(' or '));
    return value as T;
  };
}

const NUMERIC_OVERRIDES = new Set(['pipSize', 'maxSpreadPoints', 'commissionPerLot']);

/** `SYMBOL:key=value,key=value` entries gathered per symbol (the account schema checks the keys). */
export function instrumentOverride(
  entry: string,
  previous: Record<string, Record<string, unknown>> = {},
): Record<string, Record<string, unknown>> {
  const match = /^([^:\s]+):(.+)$/.exec(entry);
  if (!match) throw new InvalidArgumentError(`expected SYMBOL:key=value,…, got ${entry}`);
  const [, symbol = '', pairs = ''] = match;
  const fields: Record<string, unknown> = { ...previous[symbol] };
  for (const pair of pairs.split(',')) {
    const [key = '', raw = ''] = pair.split('=');
    if (!key || raw === '') throw new InvalidArgumentError(`expected key=value in ${entry}, got ${pair}`);
    if (NUMERIC_OVERRIDES.has(key) && !Number.isFinite(Number(raw)))
      throw new InvalidArgumentError(`${symbol} ${key} must be a number, got ${raw}`);
    fields[key] = NUMERIC_OVERRIDES.has(key) ? Number(raw) : raw;
  }
  return { ...previous, [symbol]: fields };
}

export const SERVER_CLOCK_HELP =
  "the server's clock as a zone's, shifted by hours: most MT5 servers (GMT+2, GMT+3 in New York's summer) America/New_York+7; instead of --utc-offset";

/** `--server-clock`: a zone, or a zone shifted by hours (brokers/feeds/server-clock.ts). */
export function serverClock(value: string): ServerClock {
  try {
    return parseServerClock(value);
  } catch (error) {
    if (error instanceof ServerClockError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

/** `--utc-offset`: broker server time minus UTC, in whole minutes, UTC−12 to UTC+14. */
export function utcOffsetMinutes(value: string): number {
  const minutes = integer(value);
  if (minutes < -720 || minutes > 840) throw new InvalidArgumentError('minutes from -720 (UTC-12) to 840 (UTC+14)');
  return minutes;
}
