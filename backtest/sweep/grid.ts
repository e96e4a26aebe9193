// The sweep grid: the cartesian product of the `--sweep` specs, every point checked against the
// base settings before a single backtest runs.
import type { BacktestSettings } from '../types.ts';
import { applySweepPoint, describePoint, sweepTarget, type SweepBase, type SweepPoint } from './point.ts';
import { parseSweepSpec, type SweepAxis, type SweepValue } from './spec.ts';

/** Most points a sweep may run: beyond it a typo in a step (0.001 for 0.01) would run for days. */
export const SWEEP_MAX_POINTS = 10_000;

export type GridBase = SweepBase & Pick<BacktestSettings, 'enabledStrategies'>;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function refuse(axis: SweepAxis, reason: string): never {
  throw new Error(`--sweep ${axis.spec}: ${reason}`);
}

function checkAxis(axis: SweepAxis, base: GridBase): void {
  const target = sweepTarget(axis.path);
  if (target === null) refuse(axis, `unknown parameter ${axis.path}`);
  // Sweeping a strategy that does not trade would run identical backtests.
  if (target.group !== 'risk' && !(base.enabledStrategies as string[]).includes(target.group))
    refuse(axis, `${target.group} is not enabled (enabled: ${base.enabledStrategies.join(', ') || 'none'})`);
  for (const value of axis.values) {
    try {
      applySweepPoint(base, { [axis.path]: value });
    } catch (error) {
      refuse(axis, messageOf(error));
    }
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
 * Every point of the specs' product, the first spec varying slowest. Throws, naming the spec, on
 * a malformed spec, an unknown parameter, a value the settings schemas refuse, or over `maxPoints` points.
 */
export function sweepGrid(specs: readonly string[], base: GridBase, maxPoints = SWEEP_MAX_POINTS): SweepPoint[] {
  const axes = specs.map((spec) => parseSweepSpec(spec, maxPoints));
  axes.forEach((axis, i) => {
    const earlier = axes.slice(0, i).find((other) => other.path === axis.path);
    if (earlier) throw new Error(`--sweep ${axis.spec}: ${axis.path} is already swept by --sweep ${earlier.spec}`);
    checkAxis(axis, base);
  });
  const count = axes.reduce((product, axis) => product * axis.values.length, 1);
  if (count > maxPoints) {
    const sizes = axes.map((axis) => axis.values.length).join(' × ');
    throw new Error(`--sweep: ${sizes} = ${count} points, more than the ${maxPoints} a sweep may run`);
  }
  const points = cartesian(axes);
  // Each value passed alone; a combination could still break a rule spanning several settings.
  for (const point of points) {
    try {
      applySweepPoint(base, point);
    } catch (error) {
      throw new Error(`--sweep point ${describePoint(point)}: ${messageOf(error)}`, { cause: error });
    }
  }
  return points;
}
