// The sweep grid: the cartesian product of the `--sweep` specs, every point checked against the
// base settings before a single backtest runs.
import type { BacktestSettings } from '../types.ts';
import { applySweepPoint, describePoint, sweepTarget, type SweepBase, type SweepPoint } from './point.ts';
import { parseSweepSpec, type SweepAxis, type SweepValue } from './spec.ts';
import { type StrategyName, unreadStrategyParams } from '../../trading/strategies/index.ts';

/** Most points a sweep may run: beyond it a typo in a step (0.001 for 0.01) would run for days. */
export const SWEEP_MAX_POINTS = 10_000;

export type GridBase = SweepBase & Pick<BacktestSettings, 'enabledStrategies'>;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A grid refused: `specIndex` is the spec at fault (null: a point or the grid as a whole), `detail`
 * what is wrong, naming the spec or point; the message says it as the CLI's `--sweep` option.
 */
export class SweepGridError extends Error {
  override name = 'SweepGridError';
  readonly specIndex: number | null;
  readonly detail: string;

  /** `subject`: the spec (`pin_bar.maxBodyRatio=0.2,0.3`) or point (`point …`) at fault; null for the grid. */
  constructor(specIndex: number | null, subject: string | null, reason: string) {
    super(subject === null ? `--sweep: ${reason}` : `--sweep ${subject}: ${reason}`);
    this.specIndex = specIndex;
    this.detail = subject === null ? reason : `${subject}: ${reason}`;
  }
}

function checkAxis(axis: SweepAxis, base: GridBase): void {
  const target = sweepTarget(axis.path);
  if (target === null) throw new Error(`unknown parameter ${axis.path}`);
  // Sweeping a strategy that does not trade would run identical backtests.
  if (target.group !== 'risk' && !(base.enabledStrategies as string[]).includes(target.group))
    throw new Error(`${target.group} is not enabled (enabled: ${base.enabledStrategies.join(', ') || 'none'})`);
  for (const value of axis.values) applySweepPoint(base, { [axis.path]: value });
}

/** Spec `index` read and checked after the `earlier` ones; a problem comes out as a SweepGridError naming it. */
function checkedAxis(
  spec: string,
  index: number,
  earlier: readonly SweepAxis[],
  base: GridBase,
  maxPoints: number,
): SweepAxis {
  try {
    const axis = parseSweepSpec(spec, maxPoints);
    const same = earlier.find((other) => other.path === axis.path);
    if (same !== undefined) throw new Error(`${axis.path} is already swept by ${same.spec}`);
    checkAxis(axis, base);
    return axis;
  } catch (error) {
    throw new SweepGridError(index, spec, messageOf(error));
  }
}

function cartesian(axes: readonly SweepAxis[]): SweepPoint[] {
  let points: Record<string, SweepValue>[] = [{}];
  for (const axis of axes) {
    points = points.flatMap((point) => axis.values.map((value) => ({ ...point, [axis.path]: value })));
  }
  return points;
}

/**
 * Every point of the specs' product, the first spec varying slowest. Throws a SweepGridError,
 * naming the spec, on a malformed spec, an unknown parameter, a value the settings schemas refuse,
 * or over `maxPoints` points.
 */
export function sweepGrid(specs: readonly string[], base: GridBase, maxPoints = SWEEP_MAX_POINTS): SweepPoint[] {
  const axes: SweepAxis[] = [];
  specs.forEach((spec, index) => axes.push(checkedAxis(spec, index, axes, base, maxPoints)));
  const count = axes.reduce((product, axis) => product * axis.values.length, 1);
  if (count > maxPoints) {
    const sizes = axes.map((axis) => axis.values.length).join(' × ');
    throw new SweepGridError(null, null, `${sizes} = ${count} points, more than the ${maxPoints} a sweep may run`);
  }
  const points = cartesian(axes);
  // Each value passed alone; a combination could still break a rule spanning several settings.
  const settings = points.map((point) => {
    try {
      return applySweepPoint(base, point);
    } catch (error) {
      throw new SweepGridError(null, `point ${describePoint(point)}`, messageOf(error));
    }
  });
  axes.forEach((axis, index) => checkRead(axis, index, settings));
  return points;
}

/**
 * A strategy parameter no point reads (range reversion's Donchian period on the Bollinger channel)
 * would make every value of its axis run the same backtest: refused, naming what would read it.
 */
function checkRead(axis: SweepAxis, index: number, settings: readonly GridBase[]): void {
  const target = sweepTarget(axis.path);
  if (target === null || target.group === 'risk') return;
  const name = target.group as StrategyName;
  const unread = settings.map((point) =>
    unreadStrategyParams(name, point.strategyParams).find((param) => param.key === target.key),
  );
  const first = unread[0];
  if (first === undefined || unread.some((param) => param === undefined)) return;
  throw new SweepGridError(
    index,
    axis.spec,
    `${axis.path} is read only with ${name}.${first.readOnlyWith}, which no point has: every value would run the same backtest`,
  );
}
