// Where a strategy window starts, so that the live cycle and the backtester compute the same
// numbers. EMAs and Wilder smoothings remember their first input: two windows ending on the same
// bar but starting on different bars read different values. So a window never starts at "the bar
// `lookback` bars ago" (which moves every bar and cannot be carried forward) but at an anchor: the last
// bar after which a new period of `lookback` minutes (counted from the Unix epoch) begins, chosen
// as the latest such bar with at least `lookback` bars from it to the window's end. A window thus
// holds between `lookback` and 2 × `lookback` − 1 bars (every indicator converged, as the lookback
// guarantees), and the backtester computes one window per anchor, each when it becomes current
// (when the one before gives way): O(1) per bar, and the live cycle's numbers exactly.
import { barColumnsOf, type BarColumns } from '../bar-columns.ts';
import type { Bar } from '../market.ts';
import { type IndicatorPlan, IndicatorWindow } from './market-window.ts';

const MINUTE_MS = 60_000;

/**
 * Closed bars the live cycle fetches: 2 × lookback always contains the anchored window, and the
 * bar before its first one, which shows that a new period starts there (proof in windowStart).
 */
export function barsToFetch(lookback: number): number {
  return 2 * lookback;
}

function periodOf(openTime: number, lookback: number): number {
  return Math.floor(openTime / (lookback * MINUTE_MS));
}

/**
 * Index in `bars` (oldest first) of the first bar of the window ending at the last bar: the
 * latest bar i ≥ 1 that opens a new period with at least `lookback` bars from i to the end, else
 * bar 0 (the start of a history shorter than 2 × lookback). With 2 × lookback bars fetched such an
 * i always exists: take the period holding bar L = last − lookback + 1; its bars before bar L are
 * fewer than `lookback` (at most one per minute), so its first bar has an index ≥ 1.
 */
export function windowStart(bars: readonly Pick<Bar, 'openTime'>[], lookback: number): number {
  for (let i = bars.length - lookback; i >= 1; i--) {
    if (periodOf(bars[i]!.openTime, lookback) !== periodOf(bars[i - 1]!.openTime, lookback)) return i;
  }
  return 0;
}

/** The live cycle's window over fetched bars (oldest first), computed from its anchor. */
export function anchoredWindow(bars: readonly Bar[], lookback: number, plan: IndicatorPlan, point: number) {
  const window = new IndicatorWindow(plan, point, barColumnsOf(bars), windowStart(bars, lookback), bars.length);
  if (bars.length > 0) window.advanceTo(bars.length - 1);
  return window;
}

/**
 * The backtester's windows over a whole history in columns: an anchor at the history's first bar
 * and at every bar that opens a new period; `current` is the window the live cycle would use at
 * the last bar pushed, from the latest anchor with `lookback` bars up to it (the first anchor
 * before any has). A window is made when it becomes current, over the most bars it can be current
 * for: the next anchor comes within `lookback` bars (a period holds at most one bar a minute, as
 * bar times are whole minutes and strictly increasing: barColumnsProblems checks a history) and
 * takes over once it has `lookback` bars, so a window is current for its first 2 × lookback − 1
 * bars at most. Anchors never current are never computed.
 */
export class AnchoredWindows {
  readonly #plan: IndicatorPlan;
  readonly #point: number;
  readonly #lookback: number;
  readonly #bars: BarColumns;
  /** Anchors from the current window's on, oldest first. */
  readonly #anchors: number[] = [];
  #pushed = 0;
  #lastPeriod = Number.NaN;
  current: IndicatorWindow;

  constructor(plan: IndicatorPlan, point: number, lookback: number, bars: BarColumns) {
    this.#plan = plan;
    this.#point = point;
    this.#lookback = lookback;
    this.#bars = bars;
    this.current = new IndicatorWindow(plan, point, bars, 0, 0);
  }

  /** Adds the next bar of the history: bar 0 first, then each in turn. */
  push(index: number): void {
    if (index !== this.#pushed) throw new Error(`bar ${index} pushed as bar ${this.#pushed} of the history`);
    this.#pushed++;
    const period = periodOf(this.#bars.openTime[index]!, this.#lookback);
    const anchors = this.#anchors;
    if (period !== this.#lastPeriod) {
      anchors.push(index);
      this.#lastPeriod = period;
    }
    // The latest anchor with `lookback` bars up to this one; the history's first bar otherwise.
    const latestStart = index - this.#lookback + 1;
    let chosen = 0;
    while (chosen + 1 < anchors.length && anchors[chosen + 1]! <= latestStart) chosen++;
    if (chosen > 0 || index === 0) {
      anchors.splice(0, chosen);
      const start = anchors[0]!;
      const end = Math.min(this.#bars.close.length, start + 2 * this.#lookback - 1);
      this.current = new IndicatorWindow(this.#plan, this.#point, this.#bars, start, end);
    }
    this.current.advanceTo(index);
  }
}
