// A REST sweep's computation on real worker threads: every point run and ranked; on a retry, the
// points an earlier attempt finished are kept as they were (not run again), the others run, and
// the ranking is the whole grid's. A walk-forward keeps the folds an earlier attempt finished
// without error and runs the rest.
import { computeSweep, type SweepRequest } from '../../../activities/compute-sweep.ts';
import { sweepGrid } from '../../../backtest/sweep/grid.ts';
import { describePoint } from '../../../backtest/sweep/point.ts';
import { rankByMetric } from '../../../backtest/sweep/rank.ts';
import { runSweepPoint } from '../../../backtest/sweep/run-point.ts';
import type { SweepSummary } from '../../../backtest/sweep/summary.ts';
import { walkForwardFolds, type FoldReport } from '../../../backtest/walk-forward.ts';
import { backtestRequestSchema } from '../../../bots/backtest-request.ts';
import { syntheticBacktestBars } from '../../../bots/backtest-bars.ts';
import { defaultBacktestSettings, directWalkForward } from '../../support/backtests.ts';

const FROM = Date.UTC(2026, 2, 2);
const TO = Date.UTC(2026, 2, 3);
const SPECS = ['pin_bar.maxBodyRatio=0.25:0.35:0.1', 'risk.decisionMinScore=0.3,0.5'];

const settings = defaultBacktestSettings(FROM, TO, 42);
const request = backtestRequestSchema.parse({
  symbol: 'XAUUSDm',
  from: new Date(FROM).toISOString(),
  to: new Date(TO).toISOString(),
  source: 'synthetic',
  botId: null,
  brokerAccount: 'paper-1',
  enabledStrategies: settings.enabledStrategies,
  strategyParams: settings.strategyParams,
  riskSettings: settings.riskSettings,
  lookback: settings.lookback,
  startingBalance: 10_000,
  accountMode: 'hedging',
  leverage: 100,
  cycleDelaySeconds: 2,
  seed: 42,
  costs: { spreadPoints: null, commissionPerLot: null, slippagePoints: 0, slippageJitterPoints: 0 },
  sweep: SPECS,
}) as SweepRequest;
const bars = syntheticBacktestBars('XAUUSDm', 42, { from: FROM, to: TO }, settings.lookback!);
const points = sweepGrid(SPECS, settings);

function compute(finished: SweepSummary[], finishedFolds: FoldReport[] = [], walkForwardFolds: number | null = null) {
  const ran: string[] = [];
  const foldsRan: FoldReport[] = [];
  const progress: Array<[number, number]> = [];
  const replayed: number[] = [];
  const computed = computeSweep(bars, settings, { ...request, walkForward: walkForwardFolds }, points, {
    signal: new AbortController().signal,
    onProgress: (done, total) => progress.push([done, total]),
    finished,
    onFinished: (summary) => ran.push(describePoint(summary.point)),
    finishedFolds,
    onFoldFinished: (report) => foldsRan.push(report),
    onReplayed: (bars) => replayed.push(bars),
  });
  return { computed, ran, foldsRan, progress, replayed };
}

describe('computeSweep', () => {
  const direct = points.map((point) => runSweepPoint(bars, settings, point));

  it('runs every point and ranks them as the points run directly rank', async () => {
    const { computed, ran, progress, replayed } = compute([]);
    const { result, runs, best } = await computed;
    expect(ran.sort()).toEqual(points.map(describePoint).sort());
    expect(replayed.sort()).toEqual(direct.map((summary) => summary.bars).sort());
    expect(progress.at(-1)).toEqual([4, 4]);
    expect(result).toEqual({ ranking: { ranked: rankByMetric(direct, 'netPnl'), failed: [] } });
    expect({ runs, best }).toEqual({ runs: 4, best: [describePoint(rankByMetric(direct, 'netPnl')[0]!.point)] });
  });

  it('keeps the points an earlier attempt finished, runs the rest, and ranks the whole grid', async () => {
    // Marked so that a recomputed point would show: it ranks last, with its own balance.
    const earlier = [direct[0]!, direct[2]!].map((summary) => ({
      ...summary,
      finalBalance: -1,
      overall: { ...summary.overall, netPnl: -1e9 },
    }));
    const stale = { ...direct[1]!, point: { 'pin_bar.maxBodyRatio': 0.9, 'risk.decisionMinScore': 0.3 } };
    const { computed, ran, progress, replayed } = compute([...earlier, stale]);
    const { result } = await computed;
    expect(ran.sort()).toEqual([points[1]!, points[3]!].map(describePoint).sort());
    // Only the points run now replayed bars.
    expect(replayed).toEqual([direct[1]!.bars, direct[3]!.bars]);
    expect(progress.at(-1)).toEqual([4, 4]);
    expect(result).toEqual({
      ranking: { ranked: rankByMetric([earlier[0]!, direct[1]!, earlier[1]!, direct[3]!], 'netPnl'), failed: [] },
    });
  });
});

describe('computeSweep with a walk-forward of 3 folds', () => {
  const folds = walkForwardFolds(settings, { windows: 4 });

  it('keeps the folds an earlier attempt finished without error, runs the rest, and judges all of them', async () => {
    const direct = await directWalkForward(bars, settings, { folds, points, metric: 'netPnl' });
    const [first, second, third] = direct.folds;
    // Marked so that a recomputed fold would show; the second failed in the earlier attempt.
    const earlier = { ...first!, inSampleMetric: -1e9 };
    const failed = { ...second!, best: null, inSample: null, outOfSample: null, error: 'out of sample: thread died' };
    const { computed, foldsRan, progress, replayed } = compute([], [earlier, failed], 3);
    const { result, runs } = await computed;
    // The folds run now: every point in sample, the best out of sample.
    const foldBars = (fold: FoldReport) => points.length * fold.inSample!.bars + fold.outOfSample!.bars;
    expect(replayed.reduce((sum, bars) => sum + bars, 0)).toBe(foldBars(second!) + foldBars(third!));

    expect(foldsRan).toEqual([second, third]);
    // Counted from the kept fold's 5 runs: the first point run makes 6.
    expect(progress[0]).toEqual([6, 15]);
    expect(progress.at(-1)).toEqual([15, 15]);
    expect(result).toEqual({
      walkForward: { ...direct, folds: [earlier, second, third] },
    });
    expect(runs).toBe(15);
  });
});
