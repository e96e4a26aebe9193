// Backtests over REST on the real stack: POST /backtests starts a workflow that a real worker runs
// (the engine in a worker thread), GET /backtests/:id follows it to the same numbers runBacktest
// gives directly on the same bars and settings, with its HTML report and trades; bad requests are
// 400s naming the field and write nothing; a backtest the engine refuses ends failed, saying why.
// Over 300 lines on purpose: every case shares one worker and database start, as the other route files do.
import { Client, Connection } from '@temporalio/client';
import { workflowRunUrl } from '../../../api/web-ui.ts';
import { barColumnsOf } from '../../../trading/bar-columns.ts';
import { runBacktest } from '../../../backtest/run.ts';
import type { BacktestResult, BacktestSettings } from '../../../backtest/types.ts';
import { BacktestLauncher } from '../../../bots/backtest-launcher.ts';
import { BacktestService } from '../../../bots/backtests.ts';
import { phaseOf } from '../../../bots/cycle-timing.ts';
import { MINUTE_MS } from '../../../brokers/feeds/feed.ts';
import { freePort } from '../../../infra/ports.ts';
import { storeBars } from '../../../brokers/feeds/market-bars.ts';
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { brokerSymbolCatalog } from '../../../brokers/symbol-catalog.ts';
import { riskSettingsSchema } from '../../../trading/risk/index.ts';
import { startTestApi, TEST_WEB_UI, type TestApi } from '../../support/api.ts';
import {
  asJson,
  backtestCalls,
  defaultBacktestSettings,
  startBacktestStack,
  stopBacktestStack,
  workerMetric,
  type BacktestDetail,
} from '../../support/backtests.ts';
import type { TestEngine } from '../../support/engine.ts';
import { uniqueTaskQueue } from '../../support/temporal.ts';

const SEED = 42;
const FROM = '2026-03-02T00:00:00.000Z';
const TO = '2026-03-05T00:00:00.000Z';
const feed = createSyntheticFeed({ seed: SEED });

let engine: TestEngine;
let api: TestApi;

beforeAll(async () => {
  ({ engine, api } = await startBacktestStack(SEED));
});

afterAll(() => stopBacktestStack({ engine, api }));

const { post, get, rowCount, finished } = backtestCalls(() => ({ api, engine }));

type Detail = BacktestDetail;

const defaultSettings = (from: string, to: string) => defaultBacktestSettings(from, to, SEED);

/** runBacktest on the lookback's bars before the period, the period's, and the next one (the last cycle's quote). */
function directRun(settings: BacktestSettings): BacktestResult {
  const bars = feed.barsBetween('XAUUSDm', settings.from - settings.lookback! * MINUTE_MS, settings.to + MINUTE_MS);
  return runBacktest(barColumnsOf(bars), settings);
}

function expectSameResult(served: Detail['result'], direct: BacktestResult): void {
  if (served === null) throw new Error('no result served');
  const expected = asJson(direct);
  for (const field of ['bars', 'warmUpBars', 'startingBalance', 'finalBalance', 'signals', 'decisions'] as const)
    expect({ field, value: served[field] }).toEqual({ field, value: expected[field] });
  for (const [stat, value] of Object.entries(expected.overall))
    expect({ stat, value: served.overall[stat as keyof typeof served.overall] }).toEqual({ stat, value });
  expect(served.byStrategy).toEqual(expected.byStrategy);
  expect(served.killSwitch).toEqual(
    expected.killSwitch && {
      time: new Date(expected.killSwitch.time).toISOString(),
      reason: expected.killSwitch.reason,
    },
  );
  expect(served.tradesStored).toBe(expected.trades.length);
}

describe('POST /backtests, then GET /backtests/:id', () => {
  let id: number;
  let detail: Detail;
  let direct: BacktestResult;

  beforeAll(async () => {
    const response = await post({ symbol: 'XAUUSDm', from: FROM, to: TO, source: 'synthetic' });
    expect(response.statusCode).toBe(202);
    const accepted = response.json();
    id = accepted.id;
    expect(accepted).toEqual({
      id: expect.any(Number),
      kind: 'backtest',
      status: 'queued',
      workflowId: expect.stringMatching(new RegExp(`^scalper-backtest-${id}-`)),
      runId: expect.any(String),
      links: {
        self: `/backtests/${id}`,
        report: `/backtests/${id}/report`,
        trades: `/backtests/${id}/trades.csv`,
        webUi: workflowRunUrl(TEST_WEB_UI, accepted.workflowId, accepted.runId),
      },
    });
    expect(response.headers.location).toBe(`/backtests/${id}`);
    detail = await finished(id);
    direct = directRun(defaultSettings(FROM, TO));
  });

  it("counts it in the worker's metrics: completed, its bars replayed, how long it took", async () => {
    // Each backtest of this file counts too: at least this one's.
    expect(
      await workerMetric(engine, 'backtests_total', { kind: 'backtest', outcome: 'completed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(await workerMetric(engine, 'backtest_bars_total', { kind: 'backtest' })).toBeGreaterThanOrEqual(direct.bars);
    expect(
      await workerMetric(engine, 'backtest_duration_seconds', { kind: 'backtest' }, 'count'),
    ).toBeGreaterThanOrEqual(1);
  });

  it('runs it to completion with the defaults filled in and the paper account instrument', () => {
    expect(detail).toMatchObject({
      id,
      kind: 'backtest',
      status: 'completed',
      symbol: 'XAUUSDm',
      botId: null,
      source: 'synthetic',
      from: FROM,
      to: TO,
      error: null,
      progress: { barsDone: 4320, barsTotal: 4320 },
    });
    const [createdAt, startedAt, finishedAt] = [detail.createdAt, detail.startedAt!, detail.finishedAt!].map(
      Date.parse,
    );
    expect(startedAt).toBeGreaterThanOrEqual(createdAt!);
    expect(finishedAt).toBeGreaterThanOrEqual(startedAt!);
    expect(detail.settings).toEqual(asJson(defaultSettings(FROM, TO)));
    expect(detail.request).toMatchObject({
      brokerAccount: 'paper-1',
      seed: SEED,
      costs: { commissionPerLot: null, stopsPriority: 'ohlc_path' },
    });
    expect({ sweep: detail.sweep, walkForward: detail.walkForward }).toEqual({ sweep: null, walkForward: null });
  });

  it('serves the numbers runBacktest gives on the same bars and settings, field by field', () => {
    expect(direct.overall.count).toBeGreaterThan(0);
    expectSameResult(detail.result, direct);
    expect(detail).toMatchObject({
      trades: direct.overall.count,
      netPnl: asJson(direct).overall.netPnl,
      finalBalance: direct.finalBalance,
    });
  });

  it('links the workflow run in the Web UI, which Temporal ran to its end', async () => {
    expect(detail.links.webUi).toBe(workflowRunUrl(TEST_WEB_UI, detail.workflowId, detail.runId));
    expect(detail.links.webUi).toContain(encodeURIComponent(detail.workflowId));
    // The row is marked completed by the workflow's last activity; the run itself ends a moment later.
    const handle = engine.temporal.client.workflow.getHandle(detail.workflowId);
    await handle.result();
    const description = await handle.describe();
    expect({ type: description.type, status: description.status.name }).toEqual({
      type: 'backtest',
      status: 'COMPLETED',
    });
  });

  it('serves the HTML report and the trades as CSV', async () => {
    const report = await get(`/backtests/${id}/report`);
    expect(report.headers['content-type']).toMatch(/^text\/html/);
    expect(report.body).toMatch(/^<!doctype html>/i);
    expect(report.body).toContain('XAUUSDm');
    const csv = await get(`/backtests/${id}/trades.csv`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'positionId,strategy,side,volume,openTime,openPrice,stopLoss,takeProfit,closeTime,closePrice,closeReason,commission,profit,pnl',
    );
    expect(lines).toHaveLength(direct.trades.length + 1);
    const first = direct.trades[0]!;
    expect(lines[1]!.split(',').slice(0, 5)).toEqual([
      first.positionId,
      first.strategy,
      first.side,
      String(first.volume),
      new Date(first.openTime).toISOString(),
    ]);
  });

  it('lists it, newest first', async () => {
    const page = (await get('/backtests?status=completed&symbol=XAUUSDm')).json();
    expect(page.items.find((item: { id: number }) => item.id === id)).toEqual({
      id,
      kind: 'backtest',
      status: 'completed',
      symbol: 'XAUUSDm',
      botId: null,
      source: 'synthetic',
      from: FROM,
      to: TO,
      workflowId: detail.workflowId,
      runId: detail.runId,
      createdAt: detail.createdAt,
      startedAt: detail.startedAt,
      finishedAt: detail.finishedAt,
      error: null,
      progress: detail.progress,
      trades: detail.trades,
      netPnl: detail.netPnl,
      finalBalance: detail.finalBalance,
      links: detail.links,
    });
  });
});

describe('the database source and a bot', () => {
  it("runs on imported bars, warm-up included, with the bot's settings and SL-first stops, as on the same bars from the feed", async () => {
    const defaults = defaultSettings('2026-04-07T00:00:00Z', '2026-04-08T00:00:00Z');
    const settings = {
      ...defaults,
      schedule: { kind: 'bar_close' as const, delaySeconds: 5 },
      // On this day the pessimistic option loses more than MT5's path: a request that dropped it would differ.
      costs: { ...defaults.costs, stopsPriority: 'sl_first' as const },
    };
    // An hour more than the warm-up before, and the period's next bar after (then a gap).
    const bars = feed.barsBetween(
      'XAUUSDm',
      settings.from - (settings.lookback! + 60) * MINUTE_MS,
      settings.to + MINUTE_MS,
    );
    await storeBars(engine.db.orm, bars, { symbol: 'XAUUSDm', source: 'backtests.test' });
    const bot = await engine.createBot({
      name: 'backtested',
      symbol: 'XAUUSDm',
      barCloseDelaySeconds: 5,
      riskSettings: { decisionMinScore: 0 },
    });
    settings.riskSettings = riskSettingsSchema.parse({ decisionMinScore: 0 });
    const response = await post({
      symbol: 'XAUUSDm',
      from: '2026-04-07T00:00:00Z',
      to: '2026-04-08T00:00:00Z',
      botId: bot.id,
      seed: SEED,
      costs: { stopsPriority: 'sl_first' },
    });
    expect(response.statusCode).toBe(202);
    const detail = await finished(response.json().id);
    expect(detail).toMatchObject({ status: 'completed', botId: bot.id, source: 'database' });
    expect(detail.request).toMatchObject({ costs: { stopsPriority: 'sl_first' } });
    expect(detail.settings).toEqual(asJson(settings));
    expectSameResult(detail.result, directRun(settings));
  });
});

describe("a bot's schedule", () => {
  it('backtests a bot cycling every 45 s on its own grid (its phase), as runBacktest does with that schedule', async () => {
    const bot = await engine.createBot({ name: 'every-45', symbol: 'XAUUSDm', scheduleIntervalSeconds: 45 });
    const [from, to] = ['2026-03-03T00:00:00.000Z', '2026-03-04T00:00:00.000Z'];
    const response = await post({ symbol: 'XAUUSDm', from, to, source: 'synthetic', botId: bot.id, seed: SEED });
    expect(response.statusCode).toBe(202);
    const detail = await finished(response.json().id);
    expect(detail.status).toBe('completed');
    const offsetMs = phaseOf(bot.id, 45);
    expect(detail.request).toMatchObject({
      cycleDelaySeconds: null,
      cycleIntervalSeconds: 45,
      cycleOffsetMs: offsetMs,
    });
    const settings = {
      ...defaultSettings(from, to),
      schedule: { kind: 'interval' as const, everySeconds: 45, offsetMs },
    };
    expect(detail.settings).toEqual(asJson(settings));
    expectSameResult(detail.result, directRun(settings));
  });

  it('takes an interval and offset in place of the bar-close delay', async () => {
    const response = await post({
      symbol: 'XAUUSDm',
      from: FROM,
      to: '2026-03-02T06:00:00.000Z',
      source: 'synthetic',
      cycleIntervalSeconds: 90,
      cycleOffsetMs: 30_000,
    });
    expect(response.statusCode).toBe(202);
    const detail = await finished(response.json().id);
    expect(detail.request).toMatchObject({ cycleDelaySeconds: null, cycleIntervalSeconds: 90, cycleOffsetMs: 30_000 });
    expect(detail.settings).toMatchObject({ schedule: { kind: 'interval', everySeconds: 90, offsetMs: 30_000 } });
  });
});

describe('a backtest that cannot run', () => {
  it('ends failed with the reason when the engine refuses the bars, and has no report', async () => {
    // Stored bars with a low above the high: the engine refuses them (the import would have).
    const openTime = Date.parse('2026-05-04T10:00:00Z');
    const broken = [0, 1, 2].map((i) => ({
      openTime: openTime + i * MINUTE_MS,
      open: 1.1,
      high: 1.1,
      low: 1.2,
      close: 1.1,
      tickVolume: 10,
      spread: 10,
    }));
    await storeBars(engine.db.orm, broken, { symbol: 'EURUSDm', source: 'backtests.test' });
    const failedBefore = await workerMetric(engine, 'backtests_total', { kind: 'backtest', outcome: 'failed' });
    const response = await post({ symbol: 'EURUSDm', from: '2026-05-04T10:00:00Z', to: '2026-05-04T10:03:00Z' });
    expect(response.statusCode).toBe(202);
    const detail = await finished(response.json().id);
    expect(detail).toMatchObject({ status: 'failed', result: null, error: expect.stringMatching(/invalid bars/) });
    expect(await workerMetric(engine, 'backtests_total', { kind: 'backtest', outcome: 'failed' })).toBe(
      failedBefore + 1,
    );
    const report = await api.app.inject({ method: 'GET', url: `/backtests/${detail.id}/report`, headers: api.read });
    expect(report.statusCode).toBe(409);
    expect(report.json()).toMatchObject({ status: 409, detail: expect.stringContaining('invalid bars') });
  });

  /** A backtest whose workflow goes to a task queue no worker polls: it stays queued. */
  function submitUnpolled() {
    const launcher = new BacktestLauncher(engine.temporal.client, uniqueTaskQueue('unpolled'));
    return new BacktestService(engine.db.orm.em, launcher, brokerSymbolCatalog()).submit({
      symbol: 'XAUUSDm',
      from: FROM,
      to: TO,
      source: 'synthetic',
      seed: SEED,
      startingBalance: 10_000,
      accountMode: 'hedging',
      leverage: 100,
      costs: {
        spreadPoints: null,
        commissionPerLot: null,
        slippagePoints: 0,
        slippageJitterPoints: 0,
        stopsPriority: 'ohlc_path',
      },
    });
  }

  it('shows a backtest whose workflow was terminated in Temporal as failed, saying so, in the detail and the list', async () => {
    const first = await submitUnpolled();
    const second = await submitUnpolled();
    await engine.temporal.client.workflow.getHandle(first.workflowId).terminate('stopped from the Web UI');
    expect((await get(`/backtests/${first.id}`)).json()).toMatchObject({
      status: 'failed',
      error: `its workflow ${first.workflowId} was terminated in Temporal before it finished`,
      finishedAt: expect.any(String),
    });
    await engine.temporal.client.workflow.getHandle(second.workflowId).terminate('stopped from the CLI');
    const listed = (await get('/backtests?limit=100')).json<{ items: { id: number; status: string }[] }>();
    expect(listed.items.find((item) => item.id === second.id)).toMatchObject({ status: 'failed' });
    expect((await get(`/backtests/${second.id}`)).json()).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('terminated'),
    });
  });

  it('serves an unfinished backtest as stored, within the describe deadline, when Temporal is out of reach', async () => {
    const { id, workflowId } = await submitUnpolled();
    // Nothing listens there: without a deadline the client retries for ~20 s before it gives up.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}` });
    const cutOff = await startTestApi({
      db: engine.db,
      tokenSuffix: '-cut-off',
      backtests: new BacktestLauncher(new Client({ connection }), uniqueTaskQueue('unpolled')),
    });
    try {
      const inject = (url: string) => cutOff.app.inject({ method: 'GET', url, headers: cutOff.read });
      const detail = await inject(`/backtests/${id}`);
      expect({ status: detail.statusCode, body: detail.json() }).toMatchObject({
        status: 200,
        body: { id, status: 'queued', error: null },
      });
      const listed = await inject('/backtests?limit=100');
      expect(listed.statusCode).toBe(200);
      expect(
        listed.json<{ items: { id: number; status: string }[] }>().items.find((item) => item.id === id),
      ).toMatchObject({
        status: 'queued',
      });
    } finally {
      await cutOff.stop();
      await connection.close();
      await engine.temporal.client.workflow.getHandle(workflowId).terminate('test over');
    }
  }, 15_000);

  it('answers 409 for the report of a backtest still queued', async () => {
    const { id, workflowId } = await submitUnpolled();
    try {
      expect((await get(`/backtests/${id}`)).json()).toMatchObject({ status: 'queued', progress: null, result: null });
      for (const what of ['report', 'trades.csv']) {
        const answer = await api.app.inject({ method: 'GET', url: `/backtests/${id}/${what}`, headers: api.read });
        expect({ what, status: answer.statusCode }).toEqual({ what, status: 409 });
        expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
    } finally {
      await engine.temporal.client.workflow.getHandle(workflowId).terminate('test over');
    }
  });
});

describe('bad requests', () => {
  const valid = { symbol: 'XAUUSDm', from: FROM, to: TO, source: 'synthetic' };

  it.each([
    ['to before from', { ...valid, to: '2026-03-01T00:00:00Z' }, ['body.to']],
    ['a period over two years', { ...valid, to: '2028-03-05T00:00:00Z' }, ['body.to']],
    ['a date that is not one', { ...valid, from: 'yesterday' }, ['body.from']],
    ['a symbol the account does not offer', { ...valid, symbol: 'XAUUSD' }, ['body.symbol']],
    ['an unknown risk setting', { ...valid, riskSettings: { martingale: true } }, ['body.riskSettings.martingale']],
    [
      'trading hours and a day that are not times and zones',
      { ...valid, riskSettings: { tradingHoursEnd: '24:00', dailyLossTimeZone: 'Mars/Base' } },
      ['body.riskSettings.tradingHoursEnd', 'body.riskSettings.dailyLossTimeZone'],
    ],
    [
      "a daily loss limit below one trade's risk (a rule across two settings)",
      { ...valid, riskSettings: { maxDailyLossPct: 0.2 } },
      ['body.riskSettings.maxDailyLossPct'],
    ],
    [
      'trading days that are not days',
      { ...valid, riskSettings: { tradingWeekdays: 'weekdays' } },
      ['body.riskSettings.tradingWeekdays'],
    ],
    [
      'to be flat outside trading hours it does not have',
      { ...valid, riskSettings: { closeOutsideTradingHours: true } },
      ['body.riskSettings.closeOutsideTradingHours'],
    ],
    [
      'an unknown strategy parameter',
      { ...valid, strategyParams: { pin_bar: { nose: 1 } } },
      ['body.strategyParams.pin_bar.nose'],
    ],
    ['a negative slippage', { ...valid, costs: { slippagePoints: -1 } }, ['body.costs.slippagePoints']],
    [
      'stops filled in no known order',
      { ...valid, costs: { stopsPriority: 'tp_first' } },
      ['body.costs.stopsPriority'],
    ],
    ['a bot and settings', { ...valid, botId: 1, enabledStrategies: ['pin_bar'] }, ['body.enabledStrategies']],
    ['a bot that does not exist', { ...valid, botId: 2_000_000_000 }, ['body.botId']],
    ['no imported bars in the period', { ...valid, source: 'database' }, ['body.from', 'body.to']],
    [
      'a bar-close delay and an interval',
      { ...valid, cycleDelaySeconds: 5, cycleIntervalSeconds: 45 },
      ['body.cycleIntervalSeconds'],
    ],
    ['a cycle offset without an interval', { ...valid, cycleOffsetMs: 100 }, ['body.cycleOffsetMs']],
    [
      'a cycle offset past the interval',
      { ...valid, cycleIntervalSeconds: 45, cycleOffsetMs: 45_000 },
      ['body.cycleOffsetMs'],
    ],
    ['an interval shorter than a bot may have', { ...valid, cycleIntervalSeconds: 10 }, ['body.cycleIntervalSeconds']],
  ])('refuses %s with 400 naming the field, writing nothing', async (_, body, fields) => {
    const before = await rowCount();
    const response = await post(body);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().errors.map((error: { field: string }) => error.field)).toEqual(fields);
    expect(await rowCount()).toBe(before);
  });

  it('says which date-time it takes when given a bare day', async () => {
    const response = await post({ ...valid, from: '2026-03-02' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([
      {
        field: 'body.from',
        message: 'not an ISO-8601 date-time with Z or an offset, e.g. 2025-01-01T00:00:00Z',
      },
    ]);
  });

  it('answers 404 for a backtest that does not exist', async () => {
    for (const url of ['/backtests/999999', '/backtests/999999/report', '/backtests/999999/trades.csv']) {
      const response = await api.app.inject({ method: 'GET', url, headers: api.read });
      expect({ url, status: response.statusCode }).toEqual({ url, status: 404 });
    }
  });

  it('refuses a read token (403) and writes nothing', async () => {
    const before = await rowCount();
    const response = await post(valid, api.read);
    expect(response.statusCode).toBe(403);
    expect(await rowCount()).toBe(before);
  });
});
