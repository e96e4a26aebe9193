// Closing positions through the API on a real engine (Temporal dev server, PostgreSQL, paper
// broker): a bot's close-all and the global kill-switch's halt, flatten and unhalt.
import { AuditLog, Order, type IBot } from '../../../db/entities/index.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { pinBarMinute } from '../../support/firing-minute.ts';

const SEED = 11;
const LOOKBACK = 120;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 17, 9), { lookback: LOOKBACK, clear: true });

let engine: TestEngine;
let api: TestApi;

beforeAll(async () => {
  engine = await startTestEngine({ feedSeed: SEED, now: () => firing.now, schedulesTo: 'nowhere' });
  api = await startTestApi({ db: engine.db, workerQueue: engine.taskQueue });
});

afterAll(async () => {
  await api?.stop();
  await engine?.stop();
});

/** A bot whose first cycle opens one position on its own paper account. */
async function botWithPosition(name: string): Promise<IBot> {
  const bot = await engine.createBot({
    name,
    symbol: 'XAUUSDm',
    enabledStrategies: ['pin_bar'],
    lookback: LOOKBACK,
    autoTrade: true,
    brokerAccount: `paper-${name}`,
    riskSettings: { decisionMinScore: 0 },
  });
  await expect(engine.runCycle(bot, 'open')).resolves.toMatchObject({ orders: 1, ordersFilled: 1 });
  expect(await engine.brokerFor(bot.brokerAccount).positions({ magic: bot.magic })).toHaveLength(1);
  return bot;
}

const post = (url: string, payload?: object) =>
  api.app.inject({ method: 'POST', url, headers: api.trade, ...(payload ? { payload } : {}) });
const get = (url: string) => api.app.inject({ method: 'GET', url, headers: api.read });

describe('POST /bots/:id/close-all', () => {
  it("closes the bot's positions, each by a close order of its own, and answers per position", async () => {
    const bot = await botWithPosition('close-all');
    const [ticket] = (await engine.brokerFor(bot.brokerAccount).positions({ magic: bot.magic })).map((p) => p.ticket);
    const before = (await get(`/bots/${bot.id}`)).json();
    expect(before.openPositions).toMatchObject({
      positions: [{ ticket, symbol: 'XAUUSDm', unrealizedPnl: expect.any(Number) }],
      asOf: expect.any(String),
    });

    const response = await post(`/bots/${bot.id}/close-all`, { reason: 'spread blow-out' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ closed: [ticket], failed: [], orders: [{ status: 'filled' }] });
    expect(body.orders[0].clientOrderId).toMatch(new RegExp(`^sx${bot.id.toString(36)}-`));

    expect(await engine.brokerFor(bot.brokerAccount).positions({ magic: bot.magic })).toEqual([]);
    const close = await engine.db.orm.em.fork().findOneOrFail(Order, { bot: bot.id, purpose: 'close' });
    expect(close).toMatchObject({ clientOrderId: body.orders[0].clientOrderId, closeReason: 'manual' });
    expect((await get(`/bots/${bot.id}`)).json().openPositions.positions).toEqual([]);
    const audit = await engine.db.orm.em.fork().findOneOrFail(AuditLog, { bot: bot.id, event: 'positions_flattened' });
    expect(audit.reason).toBe('spread blow-out (by test-trade)');
  });

  it('needs a reason (400 naming body.reason) and a bot that exists (404)', async () => {
    const bot = await engine.createBot({ name: 'close-all-refuse', symbol: 'XAUUSDm' });
    const missing = await post(`/bots/${bot.id}/close-all`, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([expect.objectContaining({ field: 'body.reason' })]);
    expect((await post('/bots/999999/close-all', { reason: 'x' })).statusCode).toBe(404);
  });
});

describe('/kill-switch', () => {
  it('halts with flatten, as the CLI does, and unhalts only what the halt paused', async () => {
    const bot = await botWithPosition('halt-api');
    const manual = await engine.createBot({ name: 'halt-api-manual', symbol: 'XAUUSDm' });
    await engine.bots.pause(manual.id, 'paused by the operator');
    expect((await get('/kill-switch')).json()).toMatchObject({ halted: false });

    const halted = await post('/kill-switch/halt', { reason: 'flash crash', flatten: true });
    expect(halted.statusCode).toBe(200);
    expect(halted.json().pausedBots).toContain(bot.id);
    expect(halted.json().pausedBots).not.toContain(manual.id);
    expect(halted.json().flattened).toContainEqual({ botId: bot.id, closed: [expect.any(String)], failed: [] });
    expect(await engine.brokerFor(bot.brokerAccount).positions({ magic: bot.magic })).toEqual([]);
    expect((await get('/kill-switch')).json()).toMatchObject({
      halted: true,
      reason: 'flash crash (by test-trade)',
      updatedAt: expect.any(String),
    });
    expect((await get(`/bots/${bot.id}`)).json().tradingState).toEqual({
      state: 'halted',
      reason: 'global kill-switch: flash crash (by test-trade)',
    });

    const unhalted = await post('/kill-switch/unhalt', { reason: 'markets calm' });
    expect(unhalted.statusCode).toBe(200);
    expect(unhalted.json().resumedBots).toContain(bot.id);
    expect(unhalted.json().resumedBots).not.toContain(manual.id);
    await expect(engine.schedules.state(manual.id)).resolves.toMatchObject({ paused: true });
    expect((await get('/kill-switch')).json()).toMatchObject({ halted: false, reason: 'markets calm (by test-trade)' });
  });

  it('needs a reason: 400 naming body.reason, and the switch stays as it was', async () => {
    for (const url of ['/kill-switch/halt', '/kill-switch/unhalt']) {
      const response = await post(url, { flatten: true });
      expect(response.statusCode).toBe(400);
      expect(response.json().errors).toContainEqual(expect.objectContaining({ field: 'body.reason' }));
    }
    expect((await get('/kill-switch')).json()).toMatchObject({ halted: false });
  });
});
