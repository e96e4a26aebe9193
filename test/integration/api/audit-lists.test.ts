// The audit lists and details on real PostgreSQL through `inject`: every filter narrows to exactly
// the rows it should, newest first; details carry their relations; unknown ids are 404 problems.
import type { IBot, IDecision, IExecution, IOrder, IPosition, ISignal } from '../../../db/entities/index.ts';
import { workflowRunUrl } from '../../../api/web-ui.ts';
import { at, AuditRows } from '../../support/audit-rows.ts';
import { startTestApi, TEST_WEB_UI, type TestApi } from '../../support/api.ts';

let api: TestApi;
let rows: AuditRows;
let a: IBot;
let b: IBot;
const ids: Record<string, number> = {};

const signals: Record<string, ISignal> = {};
const decisions: Record<string, IDecision> = {};
const orders: Record<string, IOrder> = {};
const executions: Record<string, IExecution> = {};
const positions: Record<string, IPosition> = {};

beforeAll(async () => {
  api = await startTestApi();
  rows = new AuditRows(api.db.orm);
  a = await rows.bot();
  b = await rows.bot();
  // Bot a: a pin bar bought, filled and closed at its take-profit; a range reversion skipped for
  // the cooldown; a kill-switch close of another position, rejected.
  signals.a1 = await rows.signal(a, { receivedAt: at(1) });
  decisions.a1 = await rows.decision(signals.a1, { createdAt: at(1) });
  orders.a1 = await rows.order(a, {
    decision: decisions.a1,
    createdAt: at(1),
    sentAt: at(1),
    workflowId: 'scalper-cycle-a-1',
    runId: 'run-a-1',
  });
  executions.in = await rows.execution(a, { order: orders.a1, executedAt: at(1), brokerPositionId: 'pa1' });
  executions.out = await rows.execution(a, {
    executedAt: at(5),
    brokerPositionId: 'pa1',
    entry: 'out',
    side: 'sell',
    profit: 12,
    reason: 'tp',
  });
  positions.a1 = await rows.position(a, {
    openingOrder: orders.a1,
    brokerPositionId: 'pa1',
    openedAt: at(1),
    status: 'closed',
    closedAt: at(5),
    closePrice: 2654,
    realizedPnl: 12,
    closeReason: 'tp',
  });
  signals.a2 = await rows.signal(a, { receivedAt: at(2), strategy: 'range_reversion', direction: 'sell' });
  decisions.a2 = await rows.decision(signals.a2, {
    createdAt: at(2),
    action: 'ignore',
    reason: 'cooldown after a loss',
    checks: [
      { name: 'auto_trade', passed: true, value: true, limit: true, reason: 'auto-trade on' },
      { name: 'cooldown', passed: false, value: 2, limit: 5, reason: 'a loss closed 2 minutes ago' },
    ],
  });
  positions.a2 = await rows.position(a, { brokerPositionId: 'pa2', openedAt: at(2) });
  orders.close = await rows.order(a, {
    createdAt: at(3),
    purpose: 'close',
    positionTicket: 'pa2',
    closeReason: 'kill_switch',
    side: 'sell',
    status: 'rejected',
    retcode: 10019,
    retcodeName: 'TRADE_RETCODE_NO_MONEY',
  });
  // Bot b: a doji breakout on EURUSDm, rejected by the broker.
  signals.b1 = await rows.signal(b, { receivedAt: at(4), strategy: 'doji_breakout', symbol: 'EURUSDm' });
  decisions.b1 = await rows.decision(signals.b1, { createdAt: at(4) });
  orders.b1 = await rows.order(b, {
    decision: decisions.b1,
    createdAt: at(4),
    symbol: 'EURUSDm',
    status: 'rejected',
    retcode: 10019,
  });
  ids.skipped = (
    await rows.audit(a, { event: 'signal_skipped', createdAt: at(2), workflowId: 'wf-a2', runId: 'r-a2' })
  ).id;
  ids.rejected = (await rows.audit(b, { event: 'order_rejected', createdAt: at(4) })).id;
  ids.halt = (await rows.audit(null, { event: 'global_halt', createdAt: at(6) })).id;
  ids.cycleA1 = (await rows.cycle(a, { startedAt: at(1) })).id;
  ids.cycleA2 = (await rows.cycle(a, { startedAt: at(2), outcome: 'failed: fetchCandles: broker timeout' })).id;
  ids.cycleB = (await rows.cycle(b, { startedAt: at(4) })).id;
});

afterAll(() => api?.stop());

async function get(url: string) {
  const response = await api.app.inject({ method: 'GET', url, headers: api.read });
  expect({ url, status: response.statusCode }).toEqual({ url, status: 200 });
  return response.json();
}

/** The ids a list answers, in its order. */
const idsOf = async (url: string): Promise<number[]> =>
  ((await get(url)).items as Array<{ id: number }>).map((item) => item.id);

const iso = (minute: number) => at(minute).toISOString();

describe('GET /signals', () => {
  it('lists newest first, each with what risk decided', async () => {
    const page = await get('/signals');
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((item: { id: number }) => item.id)).toEqual([signals.b1!.id, signals.a2!.id, signals.a1!.id]);
    expect(page.items[1]).toMatchObject({
      botId: a.id,
      strategy: 'range_reversion',
      direction: 'sell',
      receivedAt: iso(2),
      barTime: new Date(at(2).getTime() - 30_000).toISOString(),
      entryPrice: 2650.5,
      payload: { bodyRatio: 0.2 },
      decisionId: decisions.a2!.id,
      action: 'ignore',
      decisionReason: 'cooldown after a loss',
    });
  });

  it.each([
    ['botId', () => `botId=${a.id}`, () => [signals.a2, signals.a1]],
    ['strategy', () => 'strategy=range_reversion', () => [signals.a2]],
    ['direction', () => 'direction=sell', () => [signals.a2]],
    ['symbol', () => 'symbol=EURUSDm', () => [signals.b1]],
    ['from/to', () => `from=${iso(2)}&to=${iso(4)}`, () => [signals.a2]],
  ])('filters by %s', async (_name, query, expected) => {
    expect(await idsOf(`/signals?${query()}`)).toEqual(expected().map((row) => row!.id));
  });
});

describe('GET /decisions', () => {
  it.each([
    ['nothing', () => '', () => [decisions.b1, decisions.a2, decisions.a1]],
    ['botId', () => `botId=${b.id}`, () => [decisions.b1]],
    ['action', () => 'action=ignore', () => [decisions.a2]],
    ['failedCheck', () => 'failedCheck=cooldown', () => [decisions.a2]],
    ['strategy', () => 'strategy=pin_bar', () => [decisions.a1]],
    ['symbol and direction', () => 'symbol=XAUUSDm&direction=buy', () => [decisions.a1]],
    ['from/to', () => `from=${iso(1)}&to=${iso(2)}`, () => [decisions.a1]],
  ])('filters by %s', async (_name, query, expected) => {
    expect(await idsOf(`/decisions?${query()}`)).toEqual(expected().map((row) => row!.id));
  });

  it('names the failed checks and the order in the list, every check in the detail', async () => {
    const [b1, a2, a1] = (await get('/decisions')).items;
    expect(a2).toMatchObject({ action: 'ignore', failedChecks: ['cooldown'], orderId: null });
    expect(a1).toMatchObject({ action: 'open', failedChecks: [], orderId: orders.a1!.id, volume: 0.1 });
    expect(b1).toMatchObject({ orderId: orders.b1!.id, symbol: 'EURUSDm' });
    const detail = await get(`/decisions/${decisions.a2!.id}`);
    expect(detail).toMatchObject({ id: decisions.a2!.id, signalId: signals.a2!.id, reason: 'cooldown after a loss' });
    expect(detail.checks).toEqual([
      { name: 'auto_trade', passed: true, value: true, limit: true, reason: 'auto-trade on' },
      { name: 'cooldown', passed: false, value: 2, limit: 5, reason: 'a loss closed 2 minutes ago' },
    ]);
  });
});

describe('GET /orders', () => {
  it.each([
    ['nothing', () => '', () => [orders.b1, orders.close, orders.a1]],
    ['botId', () => `botId=${a.id}`, () => [orders.close, orders.a1]],
    ['status', () => 'status=rejected', () => [orders.b1, orders.close]],
    ['purpose', () => 'purpose=close', () => [orders.close]],
    ['side', () => 'side=sell', () => [orders.close]],
    ['symbol', () => 'symbol=EURUSDm', () => [orders.b1]],
    ['strategy', () => 'strategy=pin_bar', () => [orders.a1]],
    ['retcode', () => 'retcode=10019', () => [orders.b1, orders.close]],
    ['clientOrderId', () => `clientOrderId=${orders.a1!.clientOrderId}`, () => [orders.a1]],
    ['from/to', () => `from=${iso(3)}&to=${iso(4)}`, () => [orders.close]],
  ])('filters by %s', async (_name, query, expected) => {
    expect(await idsOf(`/orders?${query()}`)).toEqual(expected().map((row) => row!.id));
  });

  it('links an order to the Web UI history of the cycle that wrote it', async () => {
    const items = (await get(`/orders?botId=${a.id}`)).items;
    expect(items[1]).toMatchObject({
      strategy: 'pin_bar',
      workflowId: 'scalper-cycle-a-1',
      webUiUrl: `${TEST_WEB_UI.baseUrl}/namespaces/default/workflows/scalper-cycle-a-1/run-a-1/history`,
    });
    expect(items[0]).toMatchObject({
      purpose: 'close',
      closeReason: 'kill_switch',
      retcode: 10019,
      retcodeName: 'TRADE_RETCODE_NO_MONEY',
      strategy: null,
      webUiUrl: null,
    });
  });

  it('shows an open with its decision, signal, executions and position', async () => {
    const detail = await get(`/orders/${orders.a1!.id}`);
    expect(detail).toMatchObject({ id: orders.a1!.id, status: 'filled', sentAt: iso(1) });
    expect(detail.decision).toMatchObject({ id: decisions.a1!.id, checks: [{ name: 'auto_trade', passed: true }] });
    expect(detail.signal).toMatchObject({ id: signals.a1!.id, strategy: 'pin_bar' });
    expect(detail.executions.map((e: { id: number }) => e.id)).toEqual([executions.in!.id]);
    expect(detail.position).toMatchObject({
      id: positions.a1!.id,
      status: 'closed',
      realizedPnl: 12,
      strategy: 'pin_bar',
    });
    expect(detail.webUiUrl).toBe(workflowRunUrl(TEST_WEB_UI, 'scalper-cycle-a-1', 'run-a-1'));
  });

  it('shows a close with the position it closes', async () => {
    const detail = await get(`/orders/${orders.close!.id}`);
    expect(detail).toMatchObject({ decision: null, signal: null, executions: [], webUiUrl: null });
    expect(detail.position).toMatchObject({ id: positions.a2!.id, brokerPositionId: 'pa2', status: 'open' });
  });
});

describe('GET /executions and /positions', () => {
  it.each([
    ['nothing', () => '', () => [executions.out, executions.in]],
    ['entry', () => 'entry=out', () => [executions.out]],
    ['side', () => 'side=buy', () => [executions.in]],
    ['orderId', () => `orderId=${orders.a1!.id}`, () => [executions.in]],
    ['brokerPositionId', () => 'brokerPositionId=pa1', () => [executions.out, executions.in]],
    ['botId', () => `botId=${b.id}`, () => []],
    ['from/to', () => `from=${iso(2)}&to=${iso(6)}`, () => [executions.out]],
  ])('executions filter by %s', async (_name, query, expected) => {
    expect(await idsOf(`/executions?${query()}`)).toEqual(expected().map((row) => row!.id));
  });

  it('shows an execution as the deal was recorded', async () => {
    const [out, entry] = (await get('/executions')).items;
    expect(out).toMatchObject({ entry: 'out', profit: 12, reason: 'tp', executedAt: iso(5), clientOrderId: null });
    expect(entry).toMatchObject({ orderId: orders.a1!.id, clientOrderId: orders.a1!.clientOrderId });
  });

  it.each([
    ['nothing', () => '', () => [positions.a2, positions.a1]],
    ['status', () => 'status=closed', () => [positions.a1]],
    ['closeReason', () => 'closeReason=tp', () => [positions.a1]],
    ['strategy', () => 'strategy=pin_bar', () => [positions.a1]],
    ['side and symbol', () => 'side=buy&symbol=XAUUSDm', () => [positions.a2, positions.a1]],
    ['botId', () => `botId=${b.id}`, () => []],
    ['from/to', () => `from=${iso(2)}`, () => [positions.a2]],
  ])('positions filter by %s', async (_name, query, expected) => {
    expect(await idsOf(`/positions?${query()}`)).toEqual(expected().map((row) => row!.id));
  });
});

describe('GET /audit and /cycles', () => {
  it.each([
    ['nothing', () => '', () => [ids.halt, ids.rejected, ids.skipped]],
    ['botId', () => `botId=${a.id}`, () => [ids.skipped]],
    ['event', () => 'event=order_rejected', () => [ids.rejected]],
    ['entity', () => 'entity=signal', () => [ids.halt, ids.rejected, ids.skipped]],
    ['workflowId', () => 'workflowId=wf-a2', () => [ids.skipped]],
    ['from/to', () => `from=${iso(3)}&to=${iso(5)}`, () => [ids.rejected]],
  ])('audit filters by %s', async (_name, query, expected) => {
    expect(await idsOf(`/audit?${query()}`)).toEqual(expected());
  });

  it('links audit rows written in a workflow run', async () => {
    const [halt, , skipped] = (await get('/audit')).items;
    expect(halt).toMatchObject({ botId: null, event: 'global_halt', webUiUrl: null });
    expect(skipped).toMatchObject({ data: { n: 1 }, webUiUrl: workflowRunUrl(TEST_WEB_UI, 'wf-a2', 'r-a2') });
  });

  it.each([
    ['nothing', () => '', () => [ids.cycleB, ids.cycleA2, ids.cycleA1]],
    ['botId', () => `botId=${a.id}`, () => [ids.cycleA2, ids.cycleA1]],
    ['outcome', () => 'outcome=failed', () => [ids.cycleA2]],
    ['from/to', () => `to=${iso(2)}`, () => [ids.cycleA1]],
  ])('cycles filter by %s', async (_name, query, expected) => {
    expect(await idsOf(`/cycles?${query()}`)).toEqual(expected());
  });

  it('splits a failed outcome from its error and links the run', async () => {
    const [, failed, completed] = (await get('/cycles')).items;
    expect(failed).toMatchObject({ outcome: 'failed', error: 'fetchCandles: broker timeout', startedAt: iso(2) });
    expect(completed).toMatchObject({ outcome: 'completed', error: null, ordersFilled: 1 });
    expect(completed.webUiUrl).toBe(workflowRunUrl(TEST_WEB_UI, completed.workflowId, completed.runId));
  });
});

describe('unknown ids', () => {
  it.each(['/decisions/999999', '/orders/999999'])('%s is a 404 problem', async (url) => {
    const response = await api.app.inject({ method: 'GET', url, headers: api.read });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({
      status: 404,
      title: 'Not Found',
      detail: expect.stringContaining('999999'),
    });
  });
});
