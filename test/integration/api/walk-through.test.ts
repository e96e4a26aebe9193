// The README's walk-through, as a newcomer does it with `npm start` running and only the token it
// printed: create a bot, watch its signals and decisions with reasons, find its order and the Web
// UI link of the cycle that placed it, read its stats, pause it, halt everything, read /metrics.
// Real worker, schedules, dev server, PostgreSQL and paper broker; every step through the API.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureStartToken } from '../../../cli/start-token.ts';
import { serveMetrics, type MetricsServer } from '../../../infra/metrics-server.ts';
import { SEARCH_ATTRIBUTES } from '../../../workflows/search-attributes.ts';
import { startTestApi, TEST_WEB_UI, type TestApi } from '../../support/api.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { pinBarMinute } from '../../support/firing-minute.ts';

const SEED = 13;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 20, 11), { lookback: 100, clear: true });

let engine: TestEngine;
let api: TestApi;
let metrics: MetricsServer;
let headers: { authorization: string };

beforeAll(async () => {
  engine = await startTestEngine({ feedSeed: SEED, now: () => firing.now, schedulesTo: 'worker' });
  api = await startTestApi({ db: engine.db, workerQueue: engine.taskQueue, scheduleQueue: engine.taskQueue });
  metrics = await serveMetrics(engine.deps.metrics.registry, '127.0.0.1', 0);
  // The token `npm start` prints on its first run.
  const { token } = await ensureStartToken(api.tokens, join(await mkdtemp(join(tmpdir(), 'walk-')), 'api-token'));
  headers = { authorization: `Bearer ${token}` };
});

let createdBotId: number | undefined;

afterAll(async () => {
  // The bot was made through the API, not the engine: its schedule is this test's to remove.
  if (createdBotId !== undefined) await api?.schedules.remove(createdBotId);
  await metrics?.close();
  await api?.stop();
  await engine?.stop();
});

async function call(method: 'GET' | 'POST', url: string, body?: object) {
  const response = await api.app.inject({ method, url, headers, ...(body ? { payload: body } : {}) });
  return { status: response.statusCode, json: response.body ? response.json() : null };
}

async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let tries = 0; tries < 150; tries++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what}: not within 30 s`);
}

it('takes a newcomer from a new bot to a halted engine, through the API alone', async () => {
  // 1. A bot: gold, pin bars, trading.
  const created = await call('POST', '/bots', {
    name: 'walk-through',
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    autoTrade: true,
    riskSettings: { decisionMinScore: 0 },
  });
  expect(created.status).toBe(201);
  const botId = created.json.id as number;
  createdBotId = botId;

  // 2. One cycle now, through its schedule; then its signal and decision, with the reason.
  expect((await call('POST', `/bots/${botId}/trigger`, {})).status).toBe(202);
  const cycle = await eventually(async () => {
    const { json } = await call('GET', `/cycles?botId=${botId}`);
    return json.items[0];
  }, 'the triggered cycle');
  expect(cycle).toMatchObject({ outcome: 'completed' });
  const signals = (await call('GET', `/signals?botId=${botId}`)).json.items;
  expect(signals).toEqual([
    expect.objectContaining({ strategy: 'pin_bar', direction: firing.signal.direction, action: 'open' }),
  ]);
  const [decision] = (await call('GET', `/decisions?botId=${botId}`)).json.items;
  expect(decision).toMatchObject({ action: 'open', reason: expect.any(String) });
  const detail = (await call('GET', `/decisions/${decision.id}`)).json;
  expect(detail.checks.length).toBeGreaterThan(3);
  expect(detail.checks.every((check: { passed: boolean; reason: string }) => check.passed && check.reason)).toBe(true);

  // 3. Its order, and the Web UI link of the cycle that placed it.
  const [order] = (await call('GET', `/orders?botId=${botId}`)).json.items;
  expect(order).toMatchObject({ status: 'filled', purpose: 'open', retcodeName: 'TRADE_RETCODE_DONE' });
  const orderDetail = (await call('GET', `/orders/${order.id}`)).json;
  const link = new RegExp(`^${TEST_WEB_UI.baseUrl}/namespaces/default/workflows/([^/]+)/([^/]+)/history$`);
  const [, workflowId, runId] = link.exec(orderDetail.webUiUrl)!;
  const placedBy = await engine.temporal.client.workflow.getHandle(decodeURIComponent(workflowId!), runId).describe();
  expect(placedBy.typedSearchAttributes.get(SEARCH_ATTRIBUTES.clientOrderIds)).toEqual([order.clientOrderId]);
  expect(placedBy.typedSearchAttributes.get(SEARCH_ATTRIBUTES.botId)).toBe(String(botId));

  // 4. Its stats (nothing closed yet: no trades).
  const stats = await call('GET', `/bots/${botId}/stats?startingBalance=10000`);
  expect(stats.status).toBe(200);
  expect(stats.json.overall).toMatchObject({ count: 0, netPnl: 0 });

  // 5. Pause it; 6. halt everything.
  expect((await call('POST', `/bots/${botId}/pause`, { reason: 'news in 5 minutes' })).status).toBe(200);
  expect((await call('GET', `/bots/${botId}`)).json.tradingState).toMatchObject({ state: 'paused' });
  expect((await call('POST', '/kill-switch/halt', { reason: 'walk-through over' })).status).toBe(200);
  expect((await call('GET', '/kill-switch')).json).toMatchObject({ halted: true });
  expect((await call('GET', `/bots/${botId}`)).json.tradingState).toMatchObject({ state: 'halted' });

  // 7. The seed's counters moved, on the worker's /metrics; the API's own /metrics answers too.
  const text = await (await fetch(metrics.url)).text();
  expect(text).toMatch(/^signals_ingested_total\{source="scalper_engine",strategy="pin_bar"\} [1-9]/m);
  expect(text).toMatch(/^decision_created_total\{action="open"\} [1-9]/m);
  expect(text).toMatch(/^orders_created_total\{status="filled",purpose="open"\} [1-9]/m);
  const apiMetrics = await api.app.inject({ method: 'GET', url: '/metrics' });
  expect(apiMetrics.statusCode).toBe(200);
  expect(apiMetrics.body).toMatch(
    /^http_request_duration_seconds_count\{method="POST",route="\/bots",status="201"\} 1$/m,
  );
});
