// A REST sweep's computation on real worker threads: every point run and ranked; on a retry, the
// points an earlier attempt finished are kept as they were (not run again), the others run, and
// the ranking is the whole grid's.
import { computeSweep, type SweepRequest } from '../../../activities/compute-sweep.ts';
import { sweepGrid } from '../../../backtest/sweep/grid.ts';
import { describePoint } from '../../../backtest/sweep/point.ts';
import { rankByMetric } from '../../../backtest/sweep/rank.ts';
import { runSweepPoint } from '../../../backtest/sweep/run-point.ts';
import type { SweepSummary } from '../../../backtest/sweep/summary.ts';
import { backtestRequestSchema } from '../../../bots/backtest-request.ts';
import { syntheticBacktestBars } from '../../../bots/backtest-bars.ts';
import { defaultBacktestSettings } from '../../support/backtests.ts';

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

function compute(finished: SweepSummary[]) {
  const ran: string[] = [];
  const progress: Array<[number, number]> = [];
  const computed = computeSweep(bars, settings, request, points, {
    signal: new AbortController().signal,
    onProgress: (done, total) => progress.push([done, total]),
    finished,
    onFinished: (summary) => ran.push(describePoint(summary.point)),
  });
  return { computed, ran, progress };
}

describe('computeSweep', () => {
  const direct = points.map((point) => runSweepPoint(bars, settings, point));

  it('runs every point and ranks them as the points run directly rank', async () => {
    const { computed, ran, progress } = compute([]);
    const { result, runs, best } = await computed;
    expect(ran.sort()).toEqual(points.map(describePoint).sort());
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
    const { computed, ran, progress } = compute([...earlier, stale]);
    const { result } = await computed;
    expect(ran.sort()).toEqual([points[1]!, points[3]!].map(describePoint).sort());
    expect(progress.at(-1)).toEqual([4, 4]);
    expect(result).toEqual({
      ranking: { ranked: rankByMetric([earlier[0]!, direct[1]!, earlier[1]!, direct[3]!], 'netPnl'), failed: [] },
    });
  });
});
