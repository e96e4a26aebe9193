// PATCH /bots/:id (optimistic concurrency by If-Match), pause/resume/reduce, trigger and the list,
// on real PostgreSQL and Temporal.
import { flushBotLocked, markKillSwitchTripped } from '../../../bots/bot-rows.ts';
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

const fieldsOf = (response: { json(): { errors?: Array<{ field: string }> } }) =>
  (response.json().errors ?? []).map((error) => error.field);

async function createBot(name: string, extra: Record<string, unknown> = {}): Promise<{ id: number; version: number }> {
  const response = await api.app.inject({
    method: 'POST',
    url: '/bots',
    headers: api.trade,
    payload: { name, symbol: 'XAUUSDm', ...extra },
  });
  expect(response.statusCode).toBe(201);
  return response.json();
}

const patch = (id: number, payload: object, ifMatch?: string) =>
  api.app.inject({
    method: 'PATCH',
    url: `/bots/${id}`,
    headers: { ...api.trade, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) },
    payload,
  });

const action = (id: number, name: string, payload?: object) =>
  api.app.inject({ method: 'POST', url: `/bots/${id}/${name}`, headers: api.trade, ...(payload ? { payload } : {}) });

const auditCount = (botId: number, event: string) => api.db.orm.em.fork().count(AuditLog, { bot: botId, event });

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('PATCH /bots/:id', () => {
  it('changes settings for the version read; the schedule follows and the ETag moves on', async () => {
    const bot = await createBot('patch-ok');
    const response = await patch(
      bot.id,
      { autoTrade: true, scheduleIntervalSeconds: 90, riskSettings: { decisionMinScore: 0.7 } },
      '"1"',
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"2"');
    expect(response.json()).toMatchObject({
      version: 2,
      autoTrade: true,
      scheduleIntervalSeconds: 90,
      riskSettings: { decisionMinScore: 0.7, maxConcurrentPositions: 3 },
    });
    const schedule = await api.temporal.client.schedule.getHandle(scheduleIdOf(bot.id)).describe();
    expect(schedule.spec.intervals).toMatchObject([{ every: 90_000 }]);
    const audit = await api.db.orm.em.fork().findOneOrFail(AuditLog, { bot: bot.id, event: 'bot_updated' });
    expect(audit.reason).toBe('changed autoTrade, scheduleIntervalSeconds, riskSettings');
  });

  it('answers 409 to a stale version, 428 without If-Match, 400 to a malformed one, and writes nothing', async () => {
    const bot = await createBot('patch-stale');
    expect((await patch(bot.id, { autoTrade: true }, '"1"')).statusCode).toBe(200);
    const stale = await patch(bot.id, { scheduleIntervalSeconds: 120 }, '"1"');
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      type: 'https://scalper-engine.dev/problems/stale-version',
      detail: `bot ${bot.id} is at version 2, not 1: reload it and retry`,
      errors: [{ field: 'header.if-match' }],
    });
    const missing = await patch(bot.id, { scheduleIntervalSeconds: 120 });
    expect(missing.statusCode).toBe(428);
    expect(fieldsOf(missing)).toEqual(['header.if-match']);
    const malformed = await patch(bot.id, { scheduleIntervalSeconds: 120 }, 'W/"2"');
    expect(malformed.statusCode).toBe(400);
    expect(fieldsOf(malformed)).toEqual(['header.if-match']);
    const stored = await api.db.orm.em.fork().findOneOrFail(Bot, bot.id);
    expect(stored).toMatchObject({ version: 2, scheduleIntervalSeconds: 45 });
  });

  it('answers 200 with the bot as it is and writes nothing when there is nothing to change', async () => {
    const bot = await createBot('patch-nothing', { autoTrade: true });
    for (const payload of [{}, { autoTrade: true, riskSettings: { decisionMinScore: 0.5 } }]) {
      const response = await patch(bot.id, payload, '"1"');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ version: 1, autoTrade: true });
      expect(response.headers.etag).toBe('"1"');
    }
    expect(await auditCount(bot.id, 'bot_updated')).toBe(0);
  });

  it('refuses unknown settings, bad values and unknown symbols naming the field; 404 for an unknown bot', async () => {
    const bot = await createBot('patch-refuse');
    const unknown = await patch(bot.id, { strategyParams: { pin_bar: { maxBodyRatoi: 0.2 } }, colour: 'red' }, '"1"');
    expect(unknown.statusCode).toBe(400);
    expect(fieldsOf(unknown).sort()).toEqual(['body.colour', 'body.strategyParams.pin_bar.maxBodyRatoi']);
    const bad = await patch(bot.id, { scheduleIntervalSeconds: 5 }, '"1"');
    expect(fieldsOf(bad)).toEqual(['body.scheduleIntervalSeconds']);
    // A rule across two risk settings, checked on the settings merged: named at its path too.
    const daily = await patch(bot.id, { riskSettings: { maxDailyLossPct: 0.2 } }, '"1"');
    expect(daily.statusCode).toBe(400);
    expect(fieldsOf(daily)).toEqual(['body.riskSettings.maxDailyLossPct']);
    const created = await api.app.inject({
      method: 'POST',
      url: '/bots',
      headers: api.trade,
      payload: { name: 'daily-refused', symbol: 'XAUUSDm', riskSettings: { maxDailyLossPct: 0.2 } },
    });
    expect(fieldsOf(created)).toEqual(['body.riskSettings.maxDailyLossPct']);
    const flat = await patch(bot.id, { riskSettings: { closeOutsideTradingHours: true } }, '"1"');
    expect(flat.statusCode).toBe(400);
    expect(flat.json().errors).toEqual([
      {
        field: 'body.riskSettings.closeOutsideTradingHours',
        message:
          'needs trading hours: set tradingHoursStart and tradingHoursEnd to different times, or tradingWeekdays to fewer days',
      },
    ]);
    const day = await patch(
      bot.id,
      { riskSettings: { dailyLossResetTime: '24:00', dailyLossTimeZone: 'CET+1' } },
      '"1"',
    );
    expect(day.statusCode).toBe(400);
    expect(fieldsOf(day).sort()).toEqual([
      'body.riskSettings.dailyLossResetTime',
      'body.riskSettings.dailyLossTimeZone',
    ]);
    const symbol = await patch(bot.id, { symbol: 'NOPE' }, '"1"');
    expect(symbol.statusCode).toBe(400);
    expect(symbol.json()).toMatchObject({
      detail: 'account paper-1 offers no symbol NOPE; it offers XAUUSDm, EURUSDm',
      errors: [{ field: 'body.symbol' }],
    });
    expect((await patch(999999, { autoTrade: true }, '"1"')).statusCode).toBe(404);
    expect((await api.db.orm.em.fork().findOneOrFail(Bot, bot.id)).version).toBe(1);
  });

  it("moves a flat bot to another symbol; refuses with 409 while it holds positions, or to a live bot's name", async () => {
    const bot = await createBot('patch-move');
    const moved = await patch(bot.id, { symbol: 'EURUSDm' }, '"1"');
    expect(moved.json()).toMatchObject({ symbol: 'EURUSDm', version: 2 });
    const em = api.db.orm.em.fork();
    em.create(Position, {
      bot: bot.id,
      brokerAccount: 'paper-1',
      brokerPositionId: '515151',
      symbol: 'EURUSDm',
      side: 'sell',
      volume: 0.2,
      openPrice: 1.08,
      openedAt: new Date(),
    });
    await em.flush();
    const refused = await patch(bot.id, { symbol: 'XAUUSDm' }, '"2"');
    expect(refused.statusCode).toBe(409);
    expect(fieldsOf(refused)).toEqual(['body.symbol']);
    await createBot('patch-taken');
    const taken = await patch(bot.id, { name: 'patch-taken' }, '"2"');
    expect(taken.statusCode).toBe(409);
    expect(fieldsOf(taken)).toEqual(['body.name']);
  });
});

describe('POST /bots/:id/pause, /resume, /reduce', () => {
  it('move the schedule and the trading state; the reason carries the token name', async () => {
    const bot = await createBot('status-api');
    const paused = await action(bot.id, 'pause', { reason: 'NFP in 5 minutes' });
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({
      tradingState: { state: 'paused' },
      status: 'paused',
      schedule: { paused: true, note: 'NFP in 5 minutes (by test-trade)' },
    });
    const reducing = await action(bot.id, 'reduce', { reason: 'end of session' });
    expect(reducing.json()).toMatchObject({ tradingState: { state: 'reducing' }, schedule: { paused: false } });
    const resumed = await action(bot.id, 'resume', { reason: 'news out' });
    expect(resumed.json()).toMatchObject({ tradingState: { state: 'active' }, status: 'active' });
    const audit = await api.db.orm.em
      .fork()
      .find(AuditLog, { bot: bot.id, event: { $ne: 'bot_created' } }, { orderBy: { id: 'asc' } });
    expect(audit.map((row) => [row.event, row.reason])).toEqual([
      ['bot_paused', 'NFP in 5 minutes (by test-trade)'],
      ['bot_reducing', 'end of session (by test-trade)'],
      ['bot_resumed', 'news out (by test-trade)'],
    ]);
  });

  it("lift the automatic kill-switch's pause only when asked: else 409, nothing changed, the refusal audited", async () => {
    const bot = await createBot('status-kill-switch');
    await api.schedules.pause(bot.id, 'automatic kill-switch: unrealised loss 5.10% of the balance');
    const refused = await action(bot.id, 'resume', { reason: 'looks fine' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      detail: expect.stringMatching(
        /is paused \("automatic kill-switch: .*"\): look at why, then resume it with --lift-kill-switch \(API: "liftKillSwitch": true\), which also ends the kill-switch's flatten/,
      ),
    });
    expect(fieldsOf(refused)).toEqual(['body.liftKillSwitch']);
    await expect(api.schedules.state(bot.id)).resolves.toMatchObject({
      paused: true,
      note: 'automatic kill-switch: unrealised loss 5.10% of the balance',
    });
    const stored = await api.db.orm.em.fork().findOneOrFail(Bot, bot.id);
    expect(stored.version).toBe(bot.version);
    expect((await action(bot.id, 'reduce', { reason: 'manage it' })).statusCode).toBe(409);
    const lifted = await action(bot.id, 'resume', { reason: 'loss reviewed', liftKillSwitch: true });
    expect(lifted.statusCode).toBe(200);
    expect(lifted.json()).toMatchObject({ tradingState: { state: 'active' }, schedule: { paused: false } });
    const audit = await api.db.orm.em
      .fork()
      .find(AuditLog, { bot: bot.id, event: { $ne: 'bot_created' } }, { orderBy: { id: 'asc' } });
    expect(audit.map((row) => [row.event, row.reason, row.data?.['row'] ?? null])).toEqual([
      ['bot_resume_refused', 'looks fine (by test-trade)', 'unchanged'],
      ['bot_resume_refused', 'manage it (by test-trade)', 'unchanged'],
      ['bot_resumed', 'loss reviewed (by test-trade)', null],
      ['kill_switch_lifted', 'loss reviewed (by test-trade)', null],
    ]);
  });

  it("hold the kill-switch's trip on the bot's row: a terminal's pause and unpause do not lift it, a flagged resume does", async () => {
    const bot = await createBot('status-trip-row');
    const tripReason = 'unrealised loss -510.00 USD is 5.10% of the balance (limit 5%)';
    // As the automatic kill-switch trips: the schedule paused with its note, the trip on the row.
    await api.schedules.pause(bot.id, `automatic kill-switch: ${tripReason}`);
    await markKillSwitchTripped(api.db.orm.em.fork(), bot.id, tripReason);
    const terminal = api.temporal.client.schedule.getHandle(scheduleIdOf(bot.id));
    // A terminal's pause replaces the trip's note: the row still says tripped.
    await terminal.pause('news in 5 minutes');
    const refused = await action(bot.id, 'resume', { reason: 'news passed' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(
      /^bot \d+'s automatic kill-switch tripped at \S+ \("automatic kill-switch: unrealised loss -510\.00 USD .*"\): look at why, then resume it with --lift-kill-switch/,
    );
    expect(fieldsOf(refused)).toEqual(['body.liftKillSwitch']);
    await expect(api.schedules.state(bot.id)).resolves.toMatchObject({ paused: true, note: 'news in 5 minutes' });

    // A terminal's unpause runs the cycles; nothing opens, and the bot says why.
    await terminal.unpause('from the terminal');
    const shown = await api.app.inject({ method: 'GET', url: `/bots/${bot.id}`, headers: api.read });
    expect(shown.json()).toMatchObject({
      tradingState: { state: 'reducing', reason: expect.stringMatching(/^automatic kill-switch tripped at /) },
      killSwitch: { trippedAt: expect.any(String), reason: tripReason },
      schedule: { paused: false },
    });
    expect((await action(bot.id, 'reduce', { reason: 'manage it' })).statusCode).toBe(409);
    const stored = await api.db.orm.em.fork().findOneOrFail(Bot, bot.id);
    expect(stored.killSwitchReason).toBe(tripReason);

    const lifted = await action(bot.id, 'resume', { reason: 'loss reviewed', liftKillSwitch: true });
    expect(lifted.statusCode).toBe(200);
    expect(lifted.json()).toMatchObject({ tradingState: { state: 'active' }, killSwitch: null });
    const cleared = await api.db.orm.em.fork().findOneOrFail(Bot, bot.id);
    expect(cleared).toMatchObject({ killSwitchTrippedAt: null, killSwitchReason: null, status: 'active' });
    const audit = await api.db.orm.em
      .fork()
      .find(AuditLog, { bot: bot.id, event: { $ne: 'bot_created' } }, { orderBy: { id: 'asc' } });
    expect(audit.map((row) => [row.event, row.data?.['row'] ?? null, row.data?.['pausedAs'] ?? null])).toEqual([
      ['bot_resume_refused', 'unchanged', `automatic kill-switch: ${tripReason}`],
      ['bot_resume_refused', 'unchanged', `automatic kill-switch: ${tripReason}`],
      ['bot_resumed', null, null],
      ['kill_switch_lifted', null, `automatic kill-switch: ${tripReason}`],
    ]);
    expect(audit[3]!.data?.['trippedAt']).toBe(stored.killSwitchTrippedAt!.toISOString());
  });

  it('refuse to clear a trip that landed after the resume read the row: 409, the trip kept', async () => {
    const bot = await createBot('status-trip-race');
    await markKillSwitchTripped(api.db.orm.em.fork(), bot.id, 'the first trip');
    // The resume's read, then a second trip before its write: the row's version has moved on.
    const em = api.db.orm.em.fork();
    const read = await em.findOneOrFail(Bot, bot.id);
    await markKillSwitchTripped(api.db.orm.em.fork(), bot.id, 'the second trip');
    read.killSwitchTrippedAt = null;
    read.killSwitchReason = null;
    await expect(flushBotLocked(em, bot.id)).rejects.toMatchObject({ field: 'version' });
    const stored = await api.db.orm.em.fork().findOneOrFail(Bot, bot.id);
    expect(stored).toMatchObject({ killSwitchReason: 'the second trip', version: bot.version + 2 });
  });

  it('need a non-empty reason (400 naming body.reason); 404 for an unknown bot', async () => {
    const bot = await createBot('status-refuse');
    // Nor may a pause's reason begin as the engine's own pauses do (read as a trip, or as the halt's).
    for (const payload of [
      {},
      { reason: '   ' },
      { reason: 'Automatic kill-switch: mine' },
      { reason: 'global halt: x' },
    ]) {
      const response = await action(bot.id, 'pause', payload);
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response)).toEqual(['body.reason']);
    }
    await expect(api.schedules.state(bot.id)).resolves.toMatchObject({ paused: false });
    expect((await action(999999, 'resume', { reason: 'x' })).statusCode).toBe(404);
  });
});

describe('POST /bots/:id/trigger', () => {
  it('starts a cycle now through the schedule (202); 409 while the bot runs no cycles; 404 unknown', async () => {
    const bot = await createBot('trigger-api');
    const response = await action(bot.id, 'trigger');
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ scheduleId: scheduleIdOf(bot.id) });
    const handle = api.temporal.client.schedule.getHandle(scheduleIdOf(bot.id));
    const described = await waitFor(
      () => handle.describe(),
      (schedule) => schedule.info.recentActions.length > 0,
    );
    expect(described.info.recentActions[0]?.action.workflow.workflowId).toMatch(`scalper-cycle-${bot.id}`);

    await action(bot.id, 'pause', { reason: 'quiet' });
    const refused = await action(bot.id, 'trigger');
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/runs no cycles .*resume it first/);
    expect((await action(999999, 'trigger')).statusCode).toBe(404);
  });
});

describe('GET /bots', () => {
  it('lists the trading state first; what the engine just did shows at once, a terminal pause once listed', async () => {
    const running = await createBot('list-running');
    const engine = await createBot('list-engine-paused');
    const terminal = await createBot('list-terminal-paused');
    const gone = await createBot('list-gone');
    await action(engine.id, 'pause', { reason: 'paused through the API' });
    type Item = { id: number; tradingState: { state: string } };
    const item = (items: Item[], id: number) => items.find((entry) => entry.id === id);
    const list = async (): Promise<Item[]> =>
      (await api.app.inject({ method: 'GET', url: '/bots', headers: api.read })).json().items;

    const now = await list();
    expect(Object.keys(item(now, running.id)!).slice(0, 3)).toEqual(['id', 'name', 'tradingState']);
    expect(item(now, running.id)).toMatchObject({ tradingState: { state: 'active' }, schedule: { paused: false } });
    expect(item(now, engine.id)).toMatchObject({
      tradingState: { state: 'paused' },
      schedule: { exists: true, paused: true, note: 'paused through the API (by test-trade)' },
    });

    // Behind the operator's back: Temporal's listing shows it once its visibility store has it.
    await api.temporal.client.schedule.getHandle(scheduleIdOf(terminal.id)).pause('paused from the terminal');
    await api.temporal.client.schedule.getHandle(scheduleIdOf(gone.id)).delete();
    const later = await waitFor(list, (items) =>
      [terminal.id, gone.id].every((id) => item(items, id)?.tradingState.state === 'paused'),
    );
    expect(item(later, terminal.id)).toMatchObject({
      status: 'active',
      tradingState: { state: 'paused', reason: 'schedule paused: paused from the terminal' },
      schedule: { paused: true, note: 'paused from the terminal' },
    });
    expect(item(later, gone.id)).toMatchObject({
      tradingState: { state: 'paused', reason: 'the bot has no schedule in Temporal' },
      schedule: { exists: false },
    });
  });
});
