// What a REST sweep's activity keeps for a retry: what an earlier attempt wrote to a running row,
// nothing from a row that is not running, and each finished point or fold written once, the
// walk-forward's as a report judged over the folds so far.
import { SweepResume } from '../../../activities/sweep-resume.ts';
import type { SweepSummary } from '../../../backtest/sweep/summary.ts';
import { overfittingCheck, type FoldReport } from '../../../backtest/walk-forward.ts';

const summary = (netPnl: number, bars = 1440) =>
  ({ point: { 'risk.decisionMinScore': netPnl }, bars, overall: { netPnl } }) as unknown as SweepSummary;

const fold = (day: number, inSample: number, outOfSample: number): FoldReport => ({
  train: { from: day * 86_400_000, to: (day + 1) * 86_400_000 },
  test: { from: (day + 1) * 86_400_000, to: (day + 2) * 86_400_000 },
  best: summary(inSample).point,
  inSample: summary(inSample),
  outOfSample: summary(outOfSample),
  inSampleMetric: inSample,
  outOfSampleMetric: outOfSample,
  error: null,
});

const report = (folds: FoldReport[]) => ({ metric: 'netPnl' as const, folds, overfitting: overfittingCheck(folds) });

describe('SweepResume', () => {
  it.each([
    ['running', [summary(5)], [fold(0, 10, -2)]],
    ['queued', [], []],
    ['failed', [], []],
  ] as const)('from a %s row keeps %j and %j', (status, points, folds) => {
    const row = {
      status,
      sweepRanking: { ranked: [summary(5)], failed: [] },
      walkForward: report([fold(0, 10, -2)]),
    };
    const resume = new SweepResume(row, 'netPnl');
    expect({ points: resume.points, folds: resume.folds }).toEqual({ points, folds });
    expect(resume.unwritten()).toBeUndefined();
  });

  it('keeps nothing without a row', () => {
    const resume = new SweepResume(null, 'netPnl');
    expect({ points: resume.points, folds: resume.folds }).toEqual({ points: [], folds: [] });
  });

  it("writes a plain sweep's points once each, the kept ones with them", () => {
    const resume = new SweepResume(
      { status: 'running', sweepRanking: { ranked: [summary(1)], failed: [] }, walkForward: null },
      'netPnl',
    );
    resume.points.push(summary(2));
    expect(resume.unwritten()).toEqual({ points: [summary(1), summary(2)] });
    expect(resume.unwritten()).toBeUndefined();
    resume.points.push(summary(3));
    expect(resume.unwritten()).toEqual({ points: [summary(1), summary(2), summary(3)] });
  });

  it("writes a walk-forward's folds as a report judged over the folds so far", () => {
    const resume = new SweepResume(
      { status: 'running', sweepRanking: null, walkForward: report([fold(0, 10, -2)]) },
      'netPnl',
    );
    resume.folds.push(fold(1, 8, -1));
    const written = resume.unwritten();
    expect(written).toEqual({ walkForward: report([fold(0, 10, -2), fold(1, 8, -1)]) });
    expect(written).toMatchObject({ walkForward: { overfitting: { profitableInSample: 2, losingOutOfSample: 2 } } });
    expect(resume.unwritten()).toBeUndefined();
  });
});
