// The audit API over rows a real engine wrote (Temporal dev server, PostgreSQL, paper broker): a
// cycle opens a position, a second one closes it by the kill-switch; each order's detail carries
// its decision, signal, deals and position, and links the cycle that wrote it in the Web UI.
import { createSyntheticFeed } from '../../../brokers/feeds/synthetic.ts';
import { paperInstruments } from '../../../brokers/paper/index.ts';
import { workflowRunUrl } from '../../../api/web-ui.ts';
import type { IBot } from '../../../db/entities/index.ts';
import { startTestApi, TEST_WEB_UI, type TestApi } from '../../support/api.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { clearOfStopsLevel, findFiringMinute } from '../../support/firing-minute.ts';

const SEED = 11;
const LOOKBACK = 120;
const feed = createSyntheticFeed({ seed: SEED });
const instrument = paperInstruments(100).find((spec) => spec.symbol === 'XAUUSDm')!;
const firing = findFiringMinute(
  feed,
  instrument,
  ['pin_bar'],
  LOOKBACK,
  Date.UTC(2026, 10, 19, 15),
  clearOfStopsLevel(instrument),
);

let engine: TestEngine;
let api: TestApi;
let bot: IBot;
const runs: Record<'open' | 'close', { workflowId: string; runId: string }> = {
  open: { workflowId: '', runId: '' },
  close: { workflowId: '', runId: '' },
};

async function get(url: string) {
  const response = await api.app.inject({ method: 'GET', url, headers: api.read });
  expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
  return response.json();
}

beforeAll(async () => {
  engine = await startTestEngine({ feedSeed: SEED, now: () => firing.now, schedulesTo: 'nowhere' });
  api = await startTestApi({ db: engine.db });
  bot = await engine.createBot({
    name: 'audit-detail',
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    lookback: LOOKBACK,
    brokerAccount: 'paper-audit-detail',
    autoTrade: true,
    riskSettings: { decisionMinScore: 0 },
  });
  for (const step of ['open', 'close'] as const) {
    // The second cycle, on the same bar, finds the position's spread beyond a tiny kill-switch limit.
    if (step === 'close') await engine.bots.update(bot.id, { riskSettings: { killSwitchMaxUnrealizedPct: 0.001 } });
    const counts = await engine.runCycle(bot, step);
    expect(counts).toMatchObject(step === 'open' ? { orders: 1, ordersFilled: 1 } : { closes: 1 });
    const workflowId = `test-cycle-${bot.id}-${step}`;
    runs[step] = { workflowId, runId: (await engine.temporal.client.workflow.getHandle(workflowId).describe()).runId };
  }
});

afterAll(async () => {
  await api?.stop();
  await engine?.stop();
});

describe('an order the engine placed, through the API', () => {
  it('shows the open with its decision and every check, its signal, its deal and its position', async () => {
    const [close, open] = (await get(`/orders?botId=${bot.id}`)).items;
    expect(close).toMatchObject({ purpose: 'close', closeReason: 'kill_switch', status: 'filled' });
    expect(open).toMatchObject({ purpose: 'open', status: 'filled', strategy: 'pin_bar' });

    const detail = await get(`/orders/${open.id}`);
    expect(detail).toMatchObject({
      ...runs.open,
      webUiUrl: workflowRunUrl(TEST_WEB_UI, runs.open.workflowId, runs.open.runId),
    });
    expect(detail.webUiUrl).toBe(
      `${TEST_WEB_UI.baseUrl}/namespaces/default/workflows/${runs.open.workflowId}/${runs.open.runId}/history`,
    );
    expect(detail.decision).toMatchObject({ action: 'open', failedChecks: [], orderId: open.id });
    expect(detail.decision.checks.length).toBeGreaterThan(3);
    for (const check of detail.decision.checks) {
      expect(Object.keys(check).sort()).toEqual(['limit', 'name', 'passed', 'reason', 'value']);
      expect(check.passed).toBe(true);
    }
    expect(detail.signal).toMatchObject({
      id: detail.decision.signalId,
      strategy: 'pin_bar',
      direction: firing.signal.direction,
    });
    expect(detail.executions).toEqual([
      expect.objectContaining({ entry: 'in', orderId: open.id, clientOrderId: open.clientOrderId }),
    ]);
    expect(detail.position).toMatchObject({
      openingOrderId: open.id,
      brokerPositionId: detail.executions[0].brokerPositionId,
      status: 'closed',
      closeReason: 'kill_switch',
      strategy: 'pin_bar',
    });

    const decision = await get(`/decisions/${detail.decision.id}`);
    expect(decision.checks).toEqual(detail.decision.checks);
  });

  it('shows the close with its exit deal, the position it closed and the cycle that closed it', async () => {
    const [close] = (await get(`/orders?botId=${bot.id}&purpose=close`)).items;
    const detail = await get(`/orders/${close.id}`);
    expect(detail).toMatchObject({ ...runs.close, decision: null, signal: null });
    expect(detail.webUiUrl).toBe(workflowRunUrl(TEST_WEB_UI, runs.close.workflowId, runs.close.runId));
    expect(detail.executions).toEqual([expect.objectContaining({ entry: 'out', orderId: close.id })]);
    expect(detail.position).toMatchObject({ brokerPositionId: close.positionTicket, status: 'closed' });
  });

  it('lists both cycles with their runs and the audit rows each wrote', async () => {
    const cycles = (await get(`/cycles?botId=${bot.id}`)).items;
    expect(cycles.map((cycle: { runId: string }) => cycle.runId)).toEqual([runs.close.runId, runs.open.runId]);
    expect(cycles[1]).toMatchObject({ outcome: 'completed', error: null, orders: 1, ordersFilled: 1 });
    expect(cycles[0]).toMatchObject({
      closes: 1,
      webUiUrl: workflowRunUrl(TEST_WEB_UI, runs.close.workflowId, runs.close.runId),
    });

    const opened = (await get(`/audit?workflowId=${runs.open.workflowId}`)).items;
    expect(opened.map((row: { event: string }) => row.event)).toEqual(
      expect.arrayContaining(['signal_accepted', 'order_placed']),
    );
    const closed = (await get(`/audit?botId=${bot.id}&event=kill_switch_tripped`)).items;
    expect(closed).toEqual([expect.objectContaining(runs.close)]);
  });

  it("counts the closed position as one trade whose P&L is the position's realised P&L", async () => {
    const [position] = (await get(`/positions?botId=${bot.id}`)).items;
    const stats = await get(`/bots/${bot.id}/stats`);
    expect(stats.overall.count).toBe(1);
    expect(stats.overall.netPnl).toBeCloseTo(position.realizedPnl, 6);
    expect(Object.keys(stats.byStrategy)).toEqual(['pin_bar']);
    const equity = await get(`/bots/${bot.id}/equity`);
    expect(equity.points).toEqual([
      expect.objectContaining({ strategy: 'pin_bar', closedPnl: stats.overall.netPnl, balance: null }),
    ]);
  });
});
