import type { SweepPoint } from '../../../backtest/sweep/point.ts';
import type { PointOutcome, SweepSummary } from '../../../backtest/sweep/summary.ts';
import type { BacktestTradeStats } from '../../../backtest/types.ts';
import {
  overfittingCheck,
  walkForward,
  walkForwardFolds,
  type FoldReport,
  type SweepRunner,
  type TimeWindow,
} from '../../../backtest/walk-forward.ts';

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
const T0 = Date.UTC(2025, 0, 6);

function summary(point: SweepPoint, netPnl: number, bars: number, winRate: number | null = 0.5): SweepSummary {
  const overall: BacktestTradeStats = {
    count: 10,
    wins: 5,
    losses: 5,
    winRate,
    grossProfit: 0,
    grossLoss: 0,
    netPnl,
    profitFactor: null,
    expectancy: netPnl / 10,
    averageWin: null,
    averageLoss: null,
    maxDrawdown: 0,
    maxDrawdownPct: 0,
    sharpePerTrade: null,
    longestLosingStreak: 0,
    exposure: 0,
  };
  return { point, bars, finalBalance: 10_000 + netPnl, overall, byStrategy: {}, killSwitch: null };
}

const ok = (index: number, s: SweepSummary): PointOutcome => ({ index, point: s.point, summary: s, error: null });
const failed = (index: number, point: SweepPoint, error: string): PointOutcome => ({
  index,
  point,
  summary: null,
  error,
});
const barsIn = (window: TimeWindow) => (window.to - window.from) / MINUTE;

describe('walkForwardFolds', () => {
  it('splits into k consecutive windows, each fold training on one and testing on the next', () => {
    const folds = walkForwardFolds({ from: T0, to: T0 + 4 * DAY }, { windows: 4 });
    expect(folds).toEqual([
      { train: { from: T0, to: T0 + DAY }, test: { from: T0 + DAY, to: T0 + 2 * DAY } },
      { train: { from: T0 + DAY, to: T0 + 2 * DAY }, test: { from: T0 + 2 * DAY, to: T0 + 3 * DAY } },
      { train: { from: T0 + 2 * DAY, to: T0 + 3 * DAY }, test: { from: T0 + 3 * DAY, to: T0 + 4 * DAY } },
    ]);
  });

  it('puts inner boundaries on whole minutes and keeps the range ends', () => {
    const folds = walkForwardFolds({ from: T0, to: T0 + 10 * MINUTE }, { windows: 3 });
    expect(folds.map((fold) => [fold.train.from - T0, fold.test.from - T0, fold.test.to - T0])).toEqual([
      [0, 3 * MINUTE, 6 * MINUTE],
      [3 * MINUTE, 6 * MINUTE, 10 * MINUTE],
    ]);
  });

  it('rolls a train length and a test length forward by the test length', () => {
    const folds = walkForwardFolds({ from: T0, to: T0 + 10 * DAY }, { trainMs: 3 * DAY, testMs: 2 * DAY });
    expect(folds.map((fold) => [fold.train.from, fold.train.to, fold.test.to].map((t) => (t - T0) / DAY))).toEqual([
      [0, 3, 5],
      [2, 5, 7],
      [4, 7, 9],
    ]);
    // The test windows follow one another without a gap.
    folds.slice(1).forEach((fold, i) => expect(fold.test.from).toBe(folds[i]!.test.to));
  });

  it.each([
    ['one window', { from: T0, to: T0 + DAY }, { windows: 1 }, 'at least 2 windows'],
    ['a fraction of windows', { from: T0, to: T0 + DAY }, { windows: 2.5 }, 'at least 2 windows'],
    [
      'windows under a minute',
      { from: T0, to: T0 + 3 * MINUTE },
      { windows: 5 },
      '5 windows leave some without a whole minute',
    ],
    ['an empty range', { from: T0, to: T0 }, { windows: 2 }, 'from must be before to'],
    ['a zero train length', { from: T0, to: T0 + DAY }, { trainMs: 0, testMs: DAY }, 'lengths must be positive'],
    [
      'a range without a whole fold',
      { from: T0, to: T0 + DAY },
      { trainMs: DAY, testMs: MINUTE },
      'shorter than one train and one test length',
    ],
  ])('refuses %s', (_, range, split, message) => {
    expect(() => walkForwardFolds(range, split)).toThrow(message);
  });
});

describe('walkForward', () => {
  const points: SweepPoint[] = [
    { 'risk.riskPerTradePct': 0.5 },
    { 'risk.riskPerTradePct': 1 },
    { 'risk.riskPerTradePct': 2 },
  ];
  const folds = walkForwardFolds({ from: T0, to: T0 + 3 * DAY }, { windows: 3 });

  it('sweeps each train window, runs its best point on the test window, and reports both', async () => {
    const calls: [number, SweepPoint[]][] = [];
    // Net P&L per bar = risk % in the first day, its negative later: the best in sample loses out of sample.
    const runSweep: SweepRunner = async (window, pts) => {
      calls.push([(window.from - T0) / DAY, [...pts]]);
      const sign = window.from === T0 ? 1 : -1;
      return pts.map((point, i) =>
        ok(i, summary(point, sign * (point['risk.riskPerTradePct'] as number) * barsIn(window), barsIn(window))),
      );
    };
    const report = await walkForward({ folds, points, metric: 'netPnl', runSweep });

    expect(calls).toEqual([
      [0, points],
      [1, [points[2]]],
      [1, points],
      [2, [points[0]]],
    ]);
    expect(report.folds.map((fold) => [fold.best, fold.inSampleMetric, fold.outOfSampleMetric, fold.error])).toEqual([
      [points[2], 2 * 1440, -2 * 1440, null],
      [points[0], -0.5 * 1440, -0.5 * 1440, null],
    ]);
    expect(report.folds[0]!.inSample!.point).toBe(points[2]);
    // Only the first fold is profitable in sample, and it loses out of sample.
    expect(report.overfitting).toMatchObject({ profitableInSample: 1, losingOutOfSample: 1, efficiency: -1 });
    expect(report.overfitting.warning).toMatch(
      /^likely overfitted: 1 of 1 folds profitable in sample lost out of sample; /,
    );
  });

  it('reports the chosen metric in and out of sample', async () => {
    const runSweep: SweepRunner = async (window, pts) =>
      pts.map((point, i) => ok(i, summary(point, 100, barsIn(window), (i + 1) / 10)));
    const report = await walkForward({ folds, points, metric: 'winRate', runSweep });
    expect(report.folds.map((fold) => [fold.best, fold.inSampleMetric, fold.outOfSampleMetric])).toEqual([
      [points[2], 0.3, 0.1],
      [points[2], 0.3, 0.1],
    ]);
  });

  it('reports a fold whose points all failed, or whose test run failed, and goes on', async () => {
    const runSweep: SweepRunner = async (window, pts) => {
      const day = (window.from - T0) / DAY;
      if (day === 0) return pts.map((point, i) => failed(i, point, 'bad settings'));
      if (day === 2) return pts.map((point, i) => failed(i, point, 'no bars'));
      return pts.map((point, i) => ok(i, summary(point, 10 * (i + 1), barsIn(window))));
    };
    const report = await walkForward({ folds, points, metric: 'netPnl', runSweep });
    expect(report.folds[0]).toMatchObject({
      best: null,
      inSample: null,
      error: 'every in-sample point failed: bad settings',
    });
    expect(report.folds[1]).toMatchObject({ best: points[2], outOfSample: null, error: 'out of sample: no bars' });
    expect(report.overfitting).toEqual({
      profitableInSample: 0,
      losingOutOfSample: 0,
      efficiency: null,
      warning: null,
    });
  });
});

describe('overfittingCheck', () => {
  const fold = (inPnl: number, inBars: number, outPnl: number, outBars: number): FoldReport => ({
    train: { from: 0, to: 1 },
    test: { from: 1, to: 2 },
    best: {},
    inSample: summary({}, inPnl, inBars),
    outOfSample: summary({}, outPnl, outBars),
    inSampleMetric: inPnl,
    outOfSampleMetric: outPnl,
    error: null,
  });

  it('passes out-of-sample results that keep at least half the in-sample rate per bar', () => {
    // In sample 300 over 3,000 bars (0.1/bar), out of sample 60 over 1,000 bars (0.06/bar): 0.6.
    const check = overfittingCheck([fold(100, 1_000, 20, 500), fold(200, 2_000, 40, 500)]);
    expect(check.efficiency).toBeCloseTo(0.6, 12);
    expect(check).toMatchObject({ profitableInSample: 2, losingOutOfSample: 0, warning: null });
  });

  it('warns when the rate per bar falls below half', () => {
    const check = overfittingCheck([fold(100, 1_000, 10, 500), fold(200, 2_000, 20, 500)]);
    expect(check.efficiency).toBeCloseTo(0.3, 12);
    expect(check.warning).toBe(
      'likely overfitted: out-of-sample net P&L per bar is 0.30 × the in-sample rate (below 0.5)',
    );
  });

  it('warns when most folds profitable in sample lose out of sample, though the total holds up', () => {
    const check = overfittingCheck([fold(10, 100, 50, 100), fold(10, 100, 0, 100), fold(10, 100, -1, 100)]);
    expect(check).toMatchObject({ profitableInSample: 3, losingOutOfSample: 2 });
    expect(check.warning).toBe('likely overfitted: 2 of 3 folds profitable in sample lost out of sample');
  });

  it('judges only folds profitable in sample: an unprofitable best point has nothing to overfit', () => {
    expect(overfittingCheck([fold(-10, 100, -50, 100), fold(0, 100, -5, 100)])).toEqual({
      profitableInSample: 0,
      losingOutOfSample: 0,
      efficiency: null,
      warning: null,
    });
  });
});
