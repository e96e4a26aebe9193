// POST /bots, GET /bots/:id, DELETE /bots/:id on real PostgreSQL and Temporal: every field the CLI
// takes, the symbol checked against the account, names unique among live bots, conflicts named.
import { scheduleIdOf } from '../../../bots/schedule.ts';
import { AuditLog, Bot, Position } from '../../../db/entities/index.ts';
import { startTestApi, type TestApi } from '../../support/api.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  for (const bot of await api.db.orm.em.fork().find(Bot, {})) await api.schedules.remove(bot.id);
  await api?.stop();
});

const post = (url: string, payload: unknown) =>
  api.app.inject({ method: 'POST', url, headers: api.trade, payload: payload as object });
const get = (url: string) => api.app.inject({ method: 'GET', url, headers: api.read });
const fieldsOf = (response: { json(): { errors?: Array<{ field: string }> } }) =>
  (response.json().errors ?? []).map((error) => error.field);

/** A bot that holds an open position, as reconcile would have recorded it. */
async function withOpenPosition(botId: number, ticket: string): Promise<void> {
  const em = api.db.orm.em.fork();
  em.create(Position, {
    bot: botId,
    brokerAccount: 'paper-1',
    brokerPositionId: ticket,
    symbol: 'XAUUSDm',
    side: 'buy',
    volume: 0.1,
    openPrice: 2650.5,
    openedAt: new Date(),
    unrealizedPnl: -12.5,
  });
  await em.flush();
}

describe('POST /bots', () => {
  it('creates a bot with everything setup-bot and configure take: 201, Location, ETag, its schedule', async () => {
    const response = await post('/bots', {
      name: 'api-full',
      symbol: 'EURUSDm',
      autoTrade: true,
      enabledStrategies: ['pin_bar', 'range_reversion'],
      strategyParams: { pin_bar: { maxBodyRatio: 0.25 } },
      riskSettings: { maxConcurrentPositions: 2, correlationBlock: false },
      brokerAccount: 'paper-api',
      scheduleIntervalSeconds: 60,
      lookback: 300,
      paused: true,
    });
    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(response.headers.location).toBe(`/bots/${body.id}`);
    expect(response.headers.etag).toBe('"1"');
    expect(body).toMatchObject({
      name: 'api-full',
      tradingState: { state: 'paused' },
      status: 'paused',
      schedule: { id: scheduleIdOf(body.id), exists: true, paused: true },
      symbol: 'EURUSDm',
      autoTrade: true,
      enabledStrategies: ['pin_bar', 'range_reversion'],
      brokerAccount: 'paper-api',
      scheduleIntervalSeconds: 60,
      version: 1,
      strategyParams: { pin_bar: { maxBodyRatio: 0.25, rewardRisk: 1.5 } },
      riskSettings: { maxConcurrentPositions: 2, correlationBlock: false, decisionMinScore: 0.5 },
      openPositions: { positions: [], unrealizedPnl: 0, asOf: null },
    });
    expect(body.lookback).toBeGreaterThanOrEqual(300);
    const schedule = await api.temporal.client.schedule.getHandle(scheduleIdOf(body.id)).describe();
    expect(schedule.spec.intervals).toMatchObject([{ every: 60_000 }]);
  });

  it('refuses unknown fields, at any depth, naming each', async () => {
    const response = await post('/bots', {
      name: 'api-unknown',
      symbol: 'XAUUSDm',
      colour: 'red',
      riskSettings: { martingale: true },
      strategyParams: { pin_bar: { maxBodyRatoi: 0.2 }, scalp_magic: {} },
    });
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response).sort()).toEqual(
      [
        'body.colour',
        'body.riskSettings.martingale',
        'body.strategyParams.pin_bar.maxBodyRatoi',
        'body.strategyParams.scalp_magic',
      ].sort(),
    );
    expect(await api.db.orm.em.fork().count(Bot, { name: 'api-unknown' })).toBe(0);
  });

  it('refuses missing and out-of-range settings, naming the field', async () => {
    const missing = await post('/bots', { symbol: 'XAUUSDm' });
    expect(missing.statusCode).toBe(400);
    expect(fieldsOf(missing)).toEqual(['body.name']);
    const range = await post('/bots', { name: 'api-range', symbol: 'XAUUSDm', riskSettings: { riskPerTradePct: 250 } });
    expect(range.statusCode).toBe(400);
    expect(fieldsOf(range)).toEqual(['body.riskSettings.riskPerTradePct']);
  });

  it('refuses a symbol the account does not offer, naming those it does, and an account no broker serves', async () => {
    const symbol = await post('/bots', { name: 'api-nope', symbol: 'NOPE' });
    expect(symbol.statusCode).toBe(400);
    expect(symbol.json()).toMatchObject({
      type: 'https://scalper-engine.dev/problems/unknown-symbol',
      detail: 'account paper-1 offers no symbol NOPE; it offers XAUUSDm, EURUSDm',
      errors: [{ field: 'body.symbol' }],
    });
    const account = await post('/bots', { name: 'api-nope', symbol: 'XAUUSDm', brokerAccount: '12345678' });
    expect(account.statusCode).toBe(400);
    expect(fieldsOf(account)).toEqual(['body.brokerAccount']);
    expect(await api.db.orm.em.fork().count(Bot, { name: 'api-nope' })).toBe(0);
  });

  it("answers 409 naming body.name for a live bot's name; a deleted bot's name is free again", async () => {
    const first = await post('/bots', { name: 'api-reuse', symbol: 'XAUUSDm' });
    expect(first.statusCode).toBe(201);
    const taken = await post('/bots', { name: 'api-reuse', symbol: 'EURUSDm' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({
      detail: 'a bot named api-reuse already exists',
      errors: [{ field: 'body.name' }],
    });
    const deleted = await api.app.inject({
      method: 'DELETE',
      url: `/bots/${first.json().id}?reason=retired`,
      headers: api.trade,
    });
    expect(deleted.statusCode).toBe(204);
    const again = await post('/bots', { name: 'api-reuse', symbol: 'EURUSDm' });
    expect(again.statusCode).toBe(201);
    expect(again.json().id).not.toBe(first.json().id);
  });

  it('parallel creates all succeed with their own magic; a shared name fails for all but one, named', async () => {
    const distinct = await Promise.all(
      Array.from({ length: 8 }, (_, i) => post('/bots', { name: `api-parallel-${i}`, symbol: 'XAUUSDm' })),
    );
    expect(distinct.map((response) => response.statusCode)).toEqual(Array(8).fill(201));
    expect(new Set(distinct.map((response) => response.json().magic)).size).toBe(8);
    const same = await Promise.all(
      Array.from({ length: 5 }, () => post('/bots', { name: 'api-parallel-same', symbol: 'XAUUSDm' })),
    );
    expect(same.map((response) => response.statusCode).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const refused of same.filter((response) => response.statusCode === 409))
      expect(fieldsOf(refused)).toEqual(['body.name']);
  });

  it('names the magic, not the name, when the magic is what clashes', async () => {
    const taken = (await post('/bots', { name: 'api-magic-1', symbol: 'XAUUSDm' })).json().magic as number;
    // A sequence behind the table (a restored dump, a hand-made row) hands out a taken magic.
    await api.db.orm.em.getConnection().execute(`select setval('bot_magic_seq', ${taken}, false)`);
    const clash = await post('/bots', { name: 'api-magic-2', symbol: 'XAUUSDm' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().detail).toContain(`magic ${taken}`);
    expect(fieldsOf(clash)).toEqual(['magic']);
    await api.db.orm.em.getConnection().execute(`select setval('bot_magic_seq', ${taken + 1000}, false)`);
  });
});

describe('GET /bots/:id', () => {
  it('answers the bot with its ETag, its schedule as Temporal has it now, and its open positions', async () => {
    const created = (await post('/bots', { name: 'api-detail', symbol: 'XAUUSDm' })).json();
    await withOpenPosition(created.id, '424242');
    await api.temporal.client.schedule.getHandle(scheduleIdOf(created.id)).pause('paused from the terminal');
    const response = await get(`/bots/${created.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"1"');
    expect(response.json()).toMatchObject({
      tradingState: { state: 'paused', reason: 'schedule paused: paused from the terminal' },
      status: 'active',
      schedule: { exists: true, paused: true, note: 'paused from the terminal' },
      openPositions: {
        positions: [{ ticket: '424242', symbol: 'XAUUSDm', side: 'buy', volume: 0.1, unrealizedPnl: -12.5 }],
        unrealizedPnl: -12.5,
        asOf: null,
      },
    });
  });

  it('answers 404 for an unknown id and 400 naming params.id for a malformed one', async () => {
    const unknown = await get('/bots/999999');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ status: 404, detail: 'bot 999999 does not exist' });
    const malformed = await get('/bots/abc');
    expect(malformed.statusCode).toBe(400);
    expect(fieldsOf(malformed)).toEqual(['params.id']);
  });
});

describe('DELETE /bots/:id', () => {
  it('deletes a flat bot (204): schedule gone, audit row with the reason and the token name', async () => {
    const created = (await post('/bots', { name: 'api-delete', symbol: 'XAUUSDm' })).json();
    const response = await api.app.inject({
      method: 'DELETE',
      url: `/bots/${created.id}?reason=retired`,
      headers: api.trade,
    });
    expect(response.statusCode).toBe(204);
    await expect(api.schedules.state(created.id)).resolves.toMatchObject({ exists: false });
    expect((await get(`/bots/${created.id}`)).statusCode).toBe(404);
    const audit = await api.db.orm.em.fork().findOneOrFail(AuditLog, { bot: created.id, event: 'bot_deleted' });
    expect(audit.reason).toBe('retired (by test-trade)');
  });

  it('answers 409 while the bot holds open positions, 404 for an unknown bot', async () => {
    const created = (await post('/bots', { name: 'api-delete-open', symbol: 'XAUUSDm' })).json();
    await withOpenPosition(created.id, '434343');
    const refused = await api.app.inject({ method: 'DELETE', url: `/bots/${created.id}`, headers: api.trade });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/1 open position/);
    expect((await get(`/bots/${created.id}`)).statusCode).toBe(200);
    const unknown = await api.app.inject({ method: 'DELETE', url: '/bots/999999', headers: api.trade });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('OpenAPI', () => {
  it('documents every bot and kill-switch route with its body and problem answers', async () => {
    const document = (await api.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const paths = document.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    expect(Object.keys(paths['/bots/{id}']!).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(paths['/bots/{id}']!.patch!.responses).sort()).toEqual(
      ['200', '400', '401', '403', '404', '409', '428'].sort(),
    );
    for (const action of ['pause', 'resume', 'reduce', 'trigger', 'close-all'])
      expect(paths[`/bots/{id}/${action}`]?.post).toBeDefined();
    for (const path of ['/kill-switch', '/kill-switch/halt', '/kill-switch/unhalt']) expect(paths[path]).toBeDefined();
    const created = JSON.stringify(paths['/bots']!.post);
    expect(created).toContain('riskPerTradePct');
    expect(created).toContain('maxBodyRatio');
  });
});
