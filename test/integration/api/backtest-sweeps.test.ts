// Sweeps over REST on the real stack: POST /backtests with `sweep` runs every point of the grid in
// the worker (its compute threads) and serves them ranked, as the same points backtested directly
// on the same bars rank; with `walkForward` the folds, as walkForward() computes them directly; a
// grid that cannot run is a 400 naming the spec at fault, writing nothing.
import { sweepGrid } from '../../../backtest/sweep/grid.ts';
import type { SweepPoint } from '../../../backtest/sweep/point.ts';
import { rankByMetric } from '../../../backtest/sweep/rank.ts';
import { runSweepPoint } from '../../../backtest/sweep/run-point.ts';
import type { BacktestSettings } from '../../../backtest/types.ts';
import { walkForwardFolds } from '../../../backtest/walk-forward.ts';
import { MINUTE_MS } from '../../../brokers/feeds/feed.ts';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { barColumnsOf } from '../../../trading/bar-columns.ts';
import type { TestApi } from '../../support/api.ts';
import {
  asJson,
  backtestCalls,
  defaultBacktestSettings,
  directWalkForward,
  startBacktestStack,
  stopBacktestStack,
  workerMetric,
  type BacktestDetail,
} from '../../support/backtests.ts';
import type { TestEngine } from '../../support/engine.ts';

const SEED = 42;
const FROM = '2026-03-02T00:00:00.000Z';
const TO = '2026-03-04T00:00:00.000Z';
const SPECS = ['pin_bar.maxBodyRatio=0.25:0.35:0.1', 'risk.decisionMinScore=0.3,0.5'];
const feed = createSyntheticFeed({ seed: SEED });

let engine: TestEngine;
let api: TestApi;

beforeAll(async () => {
  ({ engine, api } = await startBacktestStack(SEED));
});

afterAll(() => stopBacktestStack({ engine, api }));

const { post, get, rowCount, finished } = backtestCalls(() => ({ api, engine }));

const defaultSettings = (from: string, to: string) => defaultBacktestSettings(from, to, SEED);

const metric = (name: string, labels: Record<string, string>, part?: 'count') =>
  workerMetric(engine, name, labels, part);

/** The bars the worker loads: the lookback before the period (the swept values keep it), the period, the next bar. */
function barsFor(settings: BacktestSettings) {
  const from = settings.from - settings.lookback! * MINUTE_MS;
  return barColumnsOf(feed.barsBetween('XAUUSDm', from, settings.to + MINUTE_MS));
}

/** A point's summary as the API serves it. */
const served = (summary: ReturnType<typeof runSweepPoint>) => {
  const { killSwitch, ...rest } = asJson(summary);
  return { ...rest, killSwitch: killSwitch && { ...killSwitch, time: new Date(killSwitch.time).toISOString() } };
};

describe('a sweep', () => {
  let id: number;
  let detail: BacktestDetail;
  const settings = defaultSettings(FROM, TO);
  const points = sweepGrid(SPECS, settings);

  beforeAll(async () => {
    const response = await post({ symbol: 'XAUUSDm', from: FROM, to: TO, source: 'synthetic', sweep: SPECS });
    expect(response.statusCode).toBe(202);
    const accepted = response.json();
    id = accepted.id;
    expect(accepted).toMatchObject({
      kind: 'sweep',
      status: 'queued',
      links: { self: `/backtests/${id}`, points: `/backtests/${id}/points.csv` },
    });
    expect(accepted.links).not.toHaveProperty('report');
    detail = await finished(id);
  });

  it('runs every point and ranks them as the same points backtested directly rank', () => {
    expect(points).toHaveLength(4);
    const bars = barsFor(settings);
    const direct = rankByMetric(
      points.map((point) => runSweepPoint(bars, settings, point)),
      'netPnl',
    );
    expect(direct.some((summary) => summary.overall.count > 0)).toBe(true);
    expect(detail).toMatchObject({
      kind: 'sweep',
      status: 'completed',
      error: null,
      progress: { pointsDone: 4, pointsTotal: 4 },
      result: null,
      walkForward: null,
      trades: null,
    });
    expect(detail.request).toMatchObject({ sweep: SPECS, rankBy: 'netPnl', walkForward: null });
    expect(detail.sweep).toEqual({
      rankBy: 'netPnl',
      points: 4,
      failed: 0,
      best: direct.map((summary, i) => ({ rank: i + 1, ...served(summary) })),
    });
  });

  it('serves every point as CSV, best first, and no report or trades', async () => {
    const csv = await get(`/backtests/${id}/points.csv`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^rank,pin_bar\.maxBodyRatio,risk\.decisionMinScore,count,winRate,/);
    expect(lines).toHaveLength(5);
    const best = detail.sweep!.best[0]!;
    expect(lines[1]!.split(',').slice(0, 4)).toEqual([
      '1',
      String(best.point['pin_bar.maxBodyRatio']),
      String(best.point['risk.decisionMinScore']),
      String(best.overall.count),
    ]);
    for (const what of ['report', 'trades.csv']) {
      const answer = await api.app.inject({ method: 'GET', url: `/backtests/${id}/${what}`, headers: api.read });
      expect({ what, status: answer.statusCode }).toEqual({ what, status: 409 });
      expect(answer.json().detail).toContain(`backtest ${id} is a sweep`);
    }
  });

  it('lists it by kind, and its workflow ended with the best point', async () => {
    const page = (await get('/backtests?kind=sweep')).json<{ items: { id: number; kind: string }[] }>();
    expect(page.items.find((item) => item.id === id)).toMatchObject({ kind: 'sweep', progress: detail.progress });
    const single = (await get('/backtests?kind=backtest')).json<{ items: { id: number }[] }>();
    expect(single.items.map((item) => item.id)).not.toContain(id);
    const outcome = await engine.temporal.client.workflow.getHandle(detail.workflowId).result();
    expect(outcome).toEqual({ backtestId: id, bars: 2880, runs: 4, best: [expect.any(String)] });
  });

  it("counts in the worker's metrics: the sweep completed, every point's bars replayed, the threads free again", async () => {
    expect(await metric('backtests_total', { kind: 'sweep', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(await metric('backtest_bars_total', { kind: 'sweep' })).toBeGreaterThanOrEqual(4 * 2880);
    expect(await metric('backtest_duration_seconds', { kind: 'sweep' }, 'count')).toBeGreaterThanOrEqual(1);
    expect(await metric('backtest_compute_threads', { state: 'busy' })).toBe(0);
    expect(await metric('backtest_compute_threads', { state: 'waiting' })).toBe(0);
    expect(await metric('backtest_compute_threads', { state: 'free' })).toBeGreaterThanOrEqual(1);
  });
});

describe('a walk-forward', () => {
  it('runs each fold in sample and its best point out of sample, as walkForward() does directly', async () => {
    const response = await post({
      symbol: 'XAUUSDm',
      from: FROM,
      to: TO,
      source: 'synthetic',
      sweep: SPECS,
      rankBy: 'profitFactor',
      walkForward: 1,
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ kind: 'walk_forward' });
    const detail = await finished(response.json().id);

    const settings = defaultSettings(FROM, TO);
    const bars = barsFor(settings);
    const points: SweepPoint[] = sweepGrid(SPECS, settings);
    const folds = walkForwardFolds(settings, { windows: 2 });
    const report = await directWalkForward(bars, settings, { folds, points, metric: 'profitFactor' });
    expect(detail).toMatchObject({
      kind: 'walk_forward',
      status: 'completed',
      progress: { pointsDone: 5, pointsTotal: 5 },
      sweep: null,
      result: null,
    });
    const [fold] = report.folds;
    expect(detail.walkForward).toEqual({
      rankBy: 'profitFactor',
      folds: [
        {
          ...asJson(fold!),
          train: { from: FROM, to: '2026-03-03T00:00:00.000Z' },
          test: { from: '2026-03-03T00:00:00.000Z', to: TO },
          inSample: served(fold!.inSample!),
          outOfSample: served(fold!.outOfSample!),
        },
      ],
      overfitting: asJson(report.overfitting),
    });
  });
});

describe('bad sweeps', () => {
  const valid = { symbol: 'XAUUSDm', from: FROM, to: TO, source: 'synthetic', sweep: SPECS };

  it.each([
    [
      'an unknown parameter',
      { ...valid, sweep: [SPECS[0], 'pin_bar.nose=1,2'] },
      'body.sweep.1',
      /pin_bar\.nose=1,2: unknown parameter pin_bar\.nose/,
    ],
    ['a malformed range', { ...valid, sweep: ['risk.riskPerTradePct=1:2'] }, 'body.sweep.0', /a range is from:to:step/],
    [
      'a strategy not enabled',
      { ...valid, enabledStrategies: ['pin_bar'], sweep: ['doji_breakout.rewardRisk=1,2'] },
      'body.sweep.0',
      /doji_breakout is not enabled \(enabled: pin_bar\)/,
    ],
    [
      'a parameter no point reads',
      { ...valid, sweep: [SPECS[0], 'range_reversion.donchianPeriod=10,20'] },
      'body.sweep.1',
      /range_reversion\.donchianPeriod is read only with range_reversion\.channel=donchian, which no point has/,
    ],
    [
      'more points than the API runs',
      { ...valid, sweep: ['risk.riskPerTradePct=0.01:1:0.01', 'risk.defaultSlPips=1:20:1'] },
      'body.sweep',
      /100 × 20 = 2000 points, more than the 1000/,
    ],
    [
      'a point whose window is too long',
      { ...valid, sweep: ['trend_pullback.slowEmaPeriod=200,2000'] },
      'body.sweep',
      /point trend_pullback\.slowEmaPeriod=2000: /,
    ],
    ['a ranking metric unknown', { ...valid, rankBy: 'luck' }, 'body.rankBy', /./],
    ['a ranking without a sweep', { ...valid, sweep: undefined, rankBy: 'winRate' }, 'body.rankBy', /needs sweep/],
    ['folds without a sweep', { ...valid, sweep: undefined, walkForward: 2 }, 'body.walkForward', /needs sweep/],
    [
      'folds finer than the period',
      { ...valid, to: '2026-03-02T00:05:00Z', walkForward: 12 },
      'body.walkForward',
      /13 windows leave some without a whole minute/,
    ],
  ])('refuses %s with 400 naming the field, writing nothing', async (_, body, field, message) => {
    const before = await rowCount();
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    const [error, ...others] = response.json().errors as { field: string; message: string }[];
    expect(others).toEqual([]);
    expect(error!.field).toBe(field);
    expect(error!.message).toMatch(message);
    expect(await rowCount()).toBe(before);
  });
});

/** Submits a sweep of 100 points over two years (minutes on the one compute thread a 2-core worker has), running. */
async function longSweep(): Promise<{ id: number; workflowId: string }> {
  const response = await post({
    symbol: 'XAUUSDm',
    from: '2024-01-01T00:00:00Z',
    to: '2025-12-31T00:00:00Z',
    source: 'synthetic',
    sweep: ['pin_bar.maxBodyRatio=0.15:0.60:0.05', 'risk.decisionMinScore=0.1:0.55:0.05'],
  });
  const { id, workflowId } = response.json<{ id: number; workflowId: string }>();
  const deadline = Date.now() + 30_000;
  while ((await get(`/backtests/${id}`)).json<BacktestDetail>().status !== 'running') {
    if (Date.now() > deadline) throw new Error(`sweep ${id} not running after 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { id, workflowId };
}

const cancel = (id: number, reason: string) =>
  api.app.inject({ method: 'POST', url: `/backtests/${id}/cancel`, headers: api.trade, payload: { reason } });

describe('a backtest submitted during a long sweep', () => {
  it('runs between two of its points, not after it: the sweep hands over its compute thread', async () => {
    const sweep = await longSweep();
    const started = Date.now();
    const next = await post({ symbol: 'XAUUSDm', from: FROM, to: '2026-03-02T06:00:00Z', source: 'synthetic' });
    expect((await finished(next.json().id)).status).toBe('completed');
    // A point of two years takes about a second; the whole sweep, minutes.
    expect(Date.now() - started).toBeLessThan(20_000);
    const during = (await get(`/backtests/${sweep.id}`)).json<BacktestDetail>();
    expect(during.status).toBe('running');
    expect((await cancel(sweep.id, 'done with it')).statusCode).toBe(200);
  }, 90_000);
});

describe('cancelling', () => {
  it('stops a running sweep, frees its compute thread, and says who cancelled it and why', async () => {
    const { id, workflowId } = await longSweep();
    const cancelledBefore = await metric('backtests_total', { kind: 'sweep', outcome: 'cancelled' });
    // The answer waits for the run to stop: the backtest it carries has failed already.
    const answer = await cancel(id, 'wrong grid');
    expect(answer.statusCode).toBe(200);
    const cancelled = { status: 'failed', error: expect.stringMatching(/^cancelled: wrong grid \(by test-trade/) };
    expect(answer.json()).toMatchObject(cancelled);
    expect(await finished(id)).toMatchObject(cancelled);
    await expect(engine.temporal.client.workflow.getHandle(workflowId).result()).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/^cancelled: wrong grid/) },
    });
    expect((await cancel(id, 'wrong grid')).statusCode).toBe(409);
    expect(await metric('backtests_total', { kind: 'sweep', outcome: 'cancelled' })).toBe(cancelledBefore + 1);

    // The sweep's threads ended with it (the 200 came once they had): a short backtest runs at once.
    const started = Date.now();
    const next = await post({ symbol: 'XAUUSDm', from: FROM, to: '2026-03-02T06:00:00Z', source: 'synthetic' });
    expect((await finished(next.json().id)).status).toBe('completed');
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 90_000);

  it('refuses to cancel a backtest that completed (409), one that does not exist (404), or without a reason (400)', async () => {
    const done = await post({ symbol: 'XAUUSDm', from: FROM, to: '2026-03-02T06:00:00Z', source: 'synthetic' });
    const { id } = await finished(done.json().id);
    for (const [url, status] of [
      [`/backtests/${id}/cancel`, 409],
      ['/backtests/999999/cancel', 404],
    ] as const) {
      const answer = await api.app.inject({ method: 'POST', url, headers: api.trade, payload: { reason: 'test' } });
      expect({ url, status: answer.statusCode }).toEqual({ url, status });
    }
    const unexplained = await api.app.inject({ method: 'POST', url: `/backtests/${id}/cancel`, headers: api.trade });
    expect(unexplained.statusCode).toBe(400);
  });
});
