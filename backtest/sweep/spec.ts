// One sweep spec (`--sweep`, or an item of a REST backtest's `sweep`): `path=from:to:step`
// (inclusive range) or `path=a,b,c` (list), read into the values it stands for. Which paths and
// values the settings accept is the grid's question.

export type SweepValue = number | boolean | string;

/** One swept setting: where it goes and the values it takes, in spec order. */
export interface SweepAxis {
  /** The spec as given, for error messages. */
  spec: string;
  /** `<strategy>.<param>` or `risk.<setting>`. */
  path: string;
  values: SweepValue[];
}

const SPEC = /^([A-Za-z_]\w*\.[A-Za-z_]\w*)=(.+)$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
/** Beyond this many decimals scaled integers stop being exact. */
const MAX_DECIMALS = 12;

/** What is wrong with a spec, in words; the grid names the spec (SweepGridError). */
function refuse(reason: string): never {
  throw new Error(reason);
}

/** Decimals the number as written needs (`0.05` → 2, `5e-3` → 3), read from its text so no float error creeps in. */
function decimalsWritten(text: string): number {
  const [mantissa = '', exponent = '0'] = text.toLowerCase().split('e');
  const fraction = mantissa.split('.')[1] ?? '';
  return Math.max(0, fraction.length - Number(exponent));
}

function listValue(text: string): SweepValue {
  if (text === 'true' || text === 'false') return text === 'true';
  return DECIMAL.test(text) ? Number(text) : text;
}

/**
 * from, from + step, … up to to inclusive. Computed in whole units of the finest decimal written,
 * so 0.25:0.40:0.05 gives exactly 0.25, 0.3, 0.35, 0.4 (0.25 + 3 × 0.05 is 0.39999999999999997).
 */
function rangeValues(parts: readonly string[], maxValues: number): number[] {
  if (parts.length !== 3 || !parts.every((part) => DECIMAL.test(part)))
    refuse('a range is from:to:step, three numbers');
  const decimals = Math.max(...parts.map(decimalsWritten));
  if (decimals > MAX_DECIMALS) refuse(`at most ${MAX_DECIMALS} decimals`);
  const scale = 10 ** decimals;
  const [from, to, step] = parts.map((part) => Math.round(Number(part) * scale)) as [number, number, number];
  if (![from, to, step].every(Number.isSafeInteger)) refuse('numbers too large for an exact range');
  if (step <= 0) refuse('the step must be positive');
  if (to < from) refuse('from must not exceed to');
  const count = Math.floor((to - from) / step) + 1;
  if (count > maxValues) refuse(`${count} values, more than the ${maxValues} a sweep may take`);
  return Array.from({ length: count }, (_, i) => (from + i * step) / scale);
}

/** Reads one spec; `maxValues` refuses a range before it is enumerated. */
export function parseSweepSpec(spec: string, maxValues: number): SweepAxis {
  const match = SPEC.exec(spec);
  if (!match) refuse('expected <strategy>.<param>=from:to:step, or =a,b,c (risk.<setting> for risk settings)');
  const [, path = '', body = ''] = match;
  const values = body.includes(':') ? rangeValues(body.split(':'), maxValues) : body.split(',').map(listValue);
  if (values.some((value) => value === '')) refuse('an empty value in the list');
  if (new Set(values).size !== values.length) refuse('a value is listed twice');
  return { spec, path, values };
}
