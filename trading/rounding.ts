// The one place where prices and volumes meet the broker's grid. Work is done in whole
// steps (integers) so that 0.1 + 0.2 style float error never leaks into an order.
import type { InstrumentSpec } from './market.ts';

const MAX_DECIMALS = 12;
/** Tolerance, in steps, for a float quotient that should have been a whole number. */
const STEP_EPSILON = 1e-9;

/**
 * How far a quotient value / step of grid numbers may sit from the whole number it should be: the
 * three roundings (value, step, quotient) add at most 1.5 ulps. That outgrows STEP_EPSILON near
 * 1e7 steps (1000000.19 / 0.01 = 100000018.99999999).
 */
function quotientTolerance(steps: number): number {
  return Math.max(STEP_EPSILON, 2 * Number.EPSILON * Math.abs(steps));
}

/** Number of decimals needed to write a step such as 0.01, 0.25 or 1e-5 exactly. */
export function decimalsOf(step: number): number {
  for (let decimals = 0; decimals <= MAX_DECIMALS; decimals++) {
    const scaled = step * 10 ** decimals;
    if (Math.abs(scaled - Math.round(scaled)) < STEP_EPSILON) return decimals;
  }
  return MAX_DECIMALS;
}

/** A step as an integer over a power of ten (0.25 = 25 / 100), found once per step. */
const grids = new Map<number, { units: number; scale: number }>();
/** Instruments have a handful of steps; random ones (property tests) must not grow the cache. */
const MAX_GRIDS = 256;

/** The last grid asked for: a run of roundings is mostly on one step (a backtest's hot path). */
let last = { step: Number.NaN, grid: { units: 1, scale: 1 } };

function gridOf(step: number): { units: number; scale: number } {
  if (step === last.step) return last.grid;
  let grid = grids.get(step);
  if (grid === undefined) {
    const scale = 10 ** decimalsOf(step);
    grid = { units: Math.round(step * scale), scale };
    if (grids.size >= MAX_GRIDS) grids.clear();
    grids.set(step, grid);
  }
  last = { step, grid };
  return grid;
}

/**
 * The grid number `steps` × `step`, as the nearest double to its decimal: an integer division by a
 * power of ten is correctly rounded, as parsing its decimal string would be (and much faster).
 */
function fromSteps(steps: number, step: number): number {
  const { units, scale } = gridOf(step);
  // + 0 turns −0 (a negative value rounded to zero) into 0, as the decimal "0.00" parses.
  return (steps * units) / scale + 0;
}

export function roundToStep(value: number, step: number): number {
  return fromSteps(Math.round(value / step), step);
}

export function roundDownToStep(value: number, step: number): number {
  const steps = value / step;
  return fromSteps(Math.floor(steps + quotientTolerance(steps)), step);
}

export function roundUpToStep(value: number, step: number): number {
  const steps = value / step;
  return fromSteps(Math.ceil(steps - quotientTolerance(steps)), step);
}

export function roundPrice(price: number, instrument: Pick<InstrumentSpec, 'tickSize'>): number {
  return roundToStep(price, instrument.tickSize);
}

export function roundPriceDown(price: number, instrument: Pick<InstrumentSpec, 'tickSize'>): number {
  return roundDownToStep(price, instrument.tickSize);
}

export function roundPriceUp(price: number, instrument: Pick<InstrumentSpec, 'tickSize'>): number {
  return roundUpToStep(price, instrument.tickSize);
}

/** Volumes only ever round down: rounding up would risk more than was budgeted. */
export function roundVolumeDown(volume: number, instrument: Pick<InstrumentSpec, 'volumeStep'>): number {
  return roundDownToStep(volume, instrument.volumeStep);
}

export function pointsToPrice(points: number, instrument: Pick<InstrumentSpec, 'point'>): number {
  return points * instrument.point;
}

export function priceToPoints(distance: number, instrument: Pick<InstrumentSpec, 'point'>): number {
  return distance / instrument.point;
}

export function pipsToPrice(pips: number, instrument: Pick<InstrumentSpec, 'pipSize'>): number {
  return pips * instrument.pipSize;
}

export function priceToPips(distance: number, instrument: Pick<InstrumentSpec, 'pipSize'>): number {
  return distance / instrument.pipSize;
}

/** Spread of a quote in whole points (rounded: bid and ask are already on the grid). */
export function spreadPoints(bid: number, ask: number, instrument: Pick<InstrumentSpec, 'point'>): number {
  return Math.round(priceToPoints(ask - bid, instrument));
}

/** Whole ticks between two prices on the tick grid (rounded: only float noise keeps it from whole). */
export function ticksBetween(from: number, to: number, instrument: Pick<InstrumentSpec, 'tickSize'>): number {
  return Math.round(Math.abs(to - from) / instrument.tickSize);
}

/** Money amounts added in whole cents: one total, whatever their order or their float noise. */
export function sumOfCents(amounts: Iterable<number>): number {
  let cents = 0;
  for (const amount of amounts) cents += Math.round(amount * 100);
  return cents / 100;
}
