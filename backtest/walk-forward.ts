// Walk-forward analysis: optimise on one window, trade the winner on the next, unseen window, and
// compare. A grid's best in-sample point that does much worse out of sample was fitted to noise.
import { MINUTE_MS } from '../brokers/feeds/feed.ts';
import type { SweepPoint } from './sweep/point.ts';
import { metricValue, rankByMetric, type RankMetric } from './sweep/rank.ts';
import type { PointOutcome, SweepSummary } from './sweep/summary.ts';

/** UTC epoch ms, [from, to). */
export interface TimeWindow {
  from: number;
  to: number;
}

export interface WalkForwardFold {
  train: TimeWindow;
  test: TimeWindow;
}

/** k consecutive windows (fold i trains on window i, tests on i + 1), or rolling train/test lengths. */
export type WalkForwardSplit = { windows: number } | { trainMs: number; testMs: number };

/** Runs the points over one window; the CLI's runner is a sweep pool, a unit test's a fake. */
export type SweepRunner = (window: TimeWindow, points: readonly SweepPoint[]) => Promise<PointOutcome[]>;

export interface FoldReport extends WalkForwardFold {
  /** The best point in sample, null when no point ran. */
  best: SweepPoint | null;
  inSample: SweepSummary | null;
  outOfSample: SweepSummary | null;
  inSampleMetric: number | null;
  outOfSampleMetric: number | null;
  /** Why the fold has no best point or no out-of-sample result. */
  error: string | null;
}

/**
 * Judged on net P&L per bar, whatever the ranking metric (a win rate or profit factor does not
 * scale with a window's length), over the folds profitable in sample.
 */
export interface OverfittingCheck {
  profitableInSample: number;
  /** Of those, the folds whose out-of-sample net P&L is ≤ 0. */
  losingOutOfSample: number;
  /** (Σ out-of-sample net P&L / Σ out-of-sample bars) / (the same in sample); null without in-sample profit. */
  efficiency: number | null;
  /** Set when most of those folds lose out of sample, or the efficiency is below MIN_EFFICIENCY. */
  warning: string | null;
}

export interface WalkForwardReport {
  metric: RankMetric;
  folds: FoldReport[];
  overfitting: OverfittingCheck;
}

/** Out of sample earning less than half the in-sample rate is the usual walk-forward bar. */
export const MIN_EFFICIENCY = 0.5;

function floorToMinute(time: number): number {
  return Math.floor(time / MINUTE_MS) * MINUTE_MS;
}

function windowFolds(range: TimeWindow, windows: number): WalkForwardFold[] {
  if (!Number.isInteger(windows) || windows < 2) throw new Error('walk-forward needs at least 2 windows');
  // Inner boundaries on whole minutes, so no bar is split between windows.
  const inner = Array.from({ length: windows - 1 }, (_, i) =>
    floorToMinute(range.from + ((range.to - range.from) * (i + 1)) / windows),
  );
  const bounds = [range.from, ...inner, range.to];
  if (bounds.some((bound, i) => i > 0 && bound <= bounds[i - 1]!))
    throw new Error(`walk-forward: ${windows} windows leave some without a whole minute`);
  return bounds
    .slice(0, -2)
    .map((from, i) => ({ train: { from, to: bounds[i + 1]! }, test: { from: bounds[i + 1]!, to: bounds[i + 2]! } }));
}

function rollingFolds(range: TimeWindow, trainMs: number, testMs: number): WalkForwardFold[] {
  if (!(trainMs > 0 && testMs > 0)) throw new Error('walk-forward train and test lengths must be positive');
  const folds: WalkForwardFold[] = [];
  // Each fold moves on by one test length, so the test windows tile the range after the first training.
  for (let start = range.from; start + trainMs + testMs <= range.to; start += testMs) {
    folds.push({
      train: { from: start, to: start + trainMs },
      test: { from: start + trainMs, to: start + trainMs + testMs },
    });
  }
  if (folds.length === 0) throw new Error('walk-forward: the range is shorter than one train and one test length');
  return folds;
}

export function walkForwardFolds(range: TimeWindow, split: WalkForwardSplit): WalkForwardFold[] {
  if (!(range.from < range.to)) throw new Error('walk-forward: from must be before to');
  return 'windows' in split ? windowFolds(range, split.windows) : rollingFolds(range, split.trainMs, split.testMs);
}

function best(outcomes: readonly PointOutcome[], metric: RankMetric): SweepSummary | null {
  const summaries = outcomes.flatMap((outcome) => (outcome.summary === null ? [] : [outcome.summary]));
  return rankByMetric(summaries, metric)[0] ?? null;
}

async function runFold(
  fold: WalkForwardFold,
  points: readonly SweepPoint[],
  metric: RankMetric,
  runSweep: SweepRunner,
): Promise<FoldReport> {
  const empty = { best: null, inSample: null, outOfSample: null, inSampleMetric: null, outOfSampleMetric: null };
  const trained = await runSweep(fold.train, points);
  const inSample = best(trained, metric);
  if (inSample === null) {
    const why = trained[0]?.error ?? 'no point to run';
    return { ...fold, ...empty, error: `every in-sample point failed: ${why}` };
  }
  const [tested] = await runSweep(fold.test, [inSample.point]);
  const outOfSample = tested?.summary ?? null;
  return {
    ...fold,
    best: inSample.point,
    inSample,
    outOfSample,
    inSampleMetric: metricValue(inSample.overall, metric),
    outOfSampleMetric: outOfSample === null ? null : metricValue(outOfSample.overall, metric),
    error: outOfSample === null ? `out of sample: ${tested?.error ?? 'no result'}` : null,
  };
}

function netPnlPerBar(summaries: readonly SweepSummary[]): number | null {
  const bars = summaries.reduce((sum, summary) => sum + summary.bars, 0);
  return bars > 0 ? summaries.reduce((sum, summary) => sum + summary.overall.netPnl, 0) / bars : null;
}

export function overfittingCheck(folds: readonly FoldReport[]): OverfittingCheck {
  const judged = folds.flatMap(({ inSample, outOfSample }) =>
    inSample !== null && outOfSample !== null && inSample.overall.netPnl > 0 ? [{ inSample, outOfSample }] : [],
  );
  const losingOutOfSample = judged.filter(({ outOfSample }) => outOfSample.overall.netPnl <= 0).length;
  const inSampleRate = netPnlPerBar(judged.map(({ inSample }) => inSample));
  const outOfSampleRate = netPnlPerBar(judged.map(({ outOfSample }) => outOfSample));
  const efficiency = inSampleRate !== null && outOfSampleRate !== null ? outOfSampleRate / inSampleRate : null;
  const reasons = [
    ...(losingOutOfSample * 2 > judged.length
      ? [`${losingOutOfSample} of ${judged.length} folds profitable in sample lost out of sample`]
      : []),
    ...(efficiency !== null && efficiency < MIN_EFFICIENCY
      ? [`out-of-sample net P&L per bar is ${efficiency.toFixed(2)} × the in-sample rate (below ${MIN_EFFICIENCY})`]
      : []),
  ];
  return {
    profitableInSample: judged.length,
    losingOutOfSample,
    efficiency,
    warning: reasons.length > 0 ? `likely overfitted: ${reasons.join('; ')}` : null,
  };
}

const sameWindow = (a: TimeWindow, b: TimeWindow) => a.from === b.from && a.to === b.to;

/**
 * Each fold in turn: the sweep on its train window, the best point by `metric` on its test window.
 * `finished`: folds an earlier run of the same grid completed without error, kept instead of run
 * again (a fold that failed runs again: its thread may have died with a worker). `onFold` hears of
 * each fold this run computes.
 */
export async function walkForward(options: {
  folds: readonly WalkForwardFold[];
  points: readonly SweepPoint[];
  metric: RankMetric;
  runSweep: SweepRunner;
  finished?: readonly FoldReport[];
  onFold?: (report: FoldReport) => void;
}): Promise<WalkForwardReport> {
  const folds: FoldReport[] = [];
  for (const fold of options.folds) {
    const kept = keptFold(fold, options.finished ?? []);
    if (kept !== undefined) {
      folds.push(kept);
      continue;
    }
    const report = await runFold(fold, options.points, options.metric, options.runSweep);
    options.onFold?.(report);
    folds.push(report);
  }
  return { metric: options.metric, folds, overfitting: overfittingCheck(folds) };
}

/** The finished report of this fold, if one completed without error. */
export function keptFold(fold: WalkForwardFold, finished: readonly FoldReport[]): FoldReport | undefined {
  return finished.find(
    (report) => report.error === null && sameWindow(report.train, fold.train) && sameWindow(report.test, fold.test),
  );
}
