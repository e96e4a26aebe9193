// Creating, changing, pausing, resuming and deleting a bot keeps its Temporal Schedule in step.
import { WorkflowFailedError } from '@temporalio/client';
import { ZodError } from 'zod';
import { BotConflictError, BotNotFoundError } from '../../../bots/errors.ts';
import { BotSchedules, scheduleIdOf } from '../../../bots/schedule.ts';
import { BotService } from '../../../bots/service.ts';
import { brokerSymbolCatalog } from '../../../brokers/symbol-catalog.ts';
import { AuditLog, Bot, Order } from '../../../db/entities/index.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { pinBarMinute } from '../../support/firing-minute.ts';
import { openDecision } from '../../support/open-decision.ts';
import { connectTestTemporal } from '../../support/temporal.ts';

const SEED = 5;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 16, 14), { lookback: 120, clear: true });

let engine: TestEngine;

beforeAll(async () => {
  engine = await startTestEngine({ feedSeed: SEED, now: () => firing.now, schedulesTo: 'nowhere' });
});

afterAll(() => engine.stop());

const describeSchedule = (botId: number) => engine.temporal.client.schedule.getHandle(scheduleIdOf(botId)).describe();

describe('bot life-cycle', () => {
  it('a settings change reaches the schedule, merges partial settings and keeps a terminal pause', async () => {
    const bot = await engine.createBot({ name: 'lifecycle-update', symbol: 'XAUUSDm' });
    await engine.temporal.client.schedule.getHandle(scheduleIdOf(bot.id)).pause('paused from the terminal');

    const { bot: updated } = await engine.bots.update(
      bot.id,
      {
        scheduleIntervalSeconds: 60,
        riskSettings: { decisionMinScore: 0.7 },
        strategyParams: { pin_bar: { maxBodyRatio: 0.25 } },
      },
      bot.version,
    );
    expect(updated.version).toBe(bot.version + 1);
    expect(updated.riskSettings).toMatchObject({
      decisionMinScore: 0.7,
      maxConcurrentPositions: 3,
      riskPerTradePct: 0.5,
    });
    expect(updated.strategyParams).toMatchObject({ pin_bar: { maxBodyRatio: 0.25, rewardRisk: 1.5 } });
    const schedule = await describeSchedule(bot.id);
    expect(schedule.spec.intervals).toMatchObject([{ every: 60_000 }]);
    expect(schedule.action).toMatchObject({ workflowRunTimeout: 57_000 });
    expect(schedule.state).toMatchObject({ paused: true, note: 'paused from the terminal' });
  });

  it('refuses a stale version and invalid settings, naming the field, and changes nothing', async () => {
    const bot = await engine.createBot({ name: 'lifecycle-refuse', symbol: 'XAUUSDm' });
    await expect(engine.bots.update(bot.id, { autoTrade: true }, bot.version + 5)).rejects.toBeInstanceOf(
      BotConflictError,
    );
    const invalid = engine.bots.update(bot.id, { riskSettings: { decisionMinScore: 2 } });
    await expect(invalid).rejects.toBeInstanceOf(ZodError);
    await expect(invalid).rejects.toThrow(/decisionMinScore/);
    await expect(engine.bots.update(bot.id, { scheduleIntervalSeconds: 5 })).rejects.toThrow(/scheduleIntervalSeconds/);
    // A typo in a setting's name is refused, not silently dropped.
    await expect(engine.bots.update(bot.id, { strategyParams: { pin_bar: { maxBodyRatoi: 0.2 } } })).rejects.toThrow(
      /strategyParams\.pin_bar\.maxBodyRatoi/,
    );
    await expect(engine.bots.update(bot.id, { strategyParams: { scalp_magic: { x: 1 } } })).rejects.toThrow(
      /strategyParams\.scalp_magic/,
    );
    const stored = await engine.db.orm.em.fork().findOneOrFail(Bot, bot.id);
    expect(stored).toMatchObject({ version: bot.version, autoTrade: false, scheduleIntervalSeconds: 45 });
    await expect(engine.bots.create({ name: 'lifecycle-refuse', symbol: 'XAUUSDm' })).rejects.toBeInstanceOf(
      BotConflictError,
    );
  });

  it('a bot whose schedule cannot be created is not left half-made', async () => {
    const unreachable = await connectTestTemporal();
    await unreachable.close();
    const broken = new BotService(
      engine.db.orm.em,
      new BotSchedules(unreachable.client, engine.taskQueue),
      brokerSymbolCatalog(),
    );
    await expect(broken.create({ name: 'lifecycle-half', symbol: 'XAUUSDm' })).rejects.toThrow();
    expect(await engine.db.orm.em.fork().count(Bot, { name: 'lifecycle-half' })).toBe(0);
    const bot = await engine.createBot({ name: 'lifecycle-half', symbol: 'XAUUSDm' });
    await expect(engine.schedules.state(bot.id)).resolves.toMatchObject({ exists: true });
  });

  it('pause and resume move the schedule, the bot row and the audit log together', async () => {
    const bot = await engine.createBot({ name: 'lifecycle-pause', symbol: 'XAUUSDm' });
    await engine.bots.pause(bot.id, 'news at 14:30');
    await expect(engine.schedules.state(bot.id)).resolves.toMatchObject({ paused: true, note: 'news at 14:30' });
    expect((await engine.db.orm.em.fork().findOneOrFail(Bot, bot.id)).status).toBe('paused');
    await engine.bots.resume(bot.id, 'news out');
    await expect(engine.schedules.state(bot.id)).resolves.toMatchObject({ paused: false, note: 'news out' });
    const events = (await engine.db.orm.em.fork().find(AuditLog, { bot: bot.id }, { orderBy: { id: 'asc' } })).map(
      (a) => a.event,
    );
    expect(events).toEqual(['bot_created', 'bot_paused', 'bot_resumed']);
  });

  it('deletes only a flat bot: the schedule goes, the audit trail stays, its cycles stop for good', async () => {
    const bot = await engine.createBot({
      name: 'lifecycle-delete',
      symbol: 'XAUUSDm',
      enabledStrategies: ['pin_bar'],
      lookback: 120,
      autoTrade: true,
      brokerAccount: 'paper-lifecycle-delete',
      riskSettings: { decisionMinScore: 0 },
    });
    await expect(engine.runCycle(bot, 'open')).resolves.toMatchObject({ orders: 1 });
    await expect(engine.bots.remove(bot.id, 'retired')).rejects.toThrow(/1 open position/);

    const broker = engine.brokerFor(bot.brokerAccount);
    for (const position of await broker.positions({ magic: bot.magic })) await broker.closePosition(position.ticket);
    await expect(engine.runCycle(bot, 'reconcile-close')).resolves.toBeDefined();
    await engine.bots.remove(bot.id, 'retired');

    await expect(engine.schedules.state(bot.id)).resolves.toMatchObject({ exists: false });
    await expect(engine.bots.pause(bot.id, 'again')).rejects.toBeInstanceOf(BotNotFoundError);
    expect(await engine.db.orm.em.fork().count(AuditLog, { bot: bot.id, event: 'bot_deleted' })).toBe(1);
    const cycle = engine.runCycle(bot, 'after-delete');
    await expect(cycle).rejects.toBeInstanceOf(WorkflowFailedError);
    await expect(cycle).rejects.toMatchObject({ cause: { cause: { type: 'BotNotFound' } } });
  });

  it('a bot whose schedule went missing is paused all the same, and resumed with a schedule made again', async () => {
    const bot = await engine.createBot({ name: 'lifecycle-missing', symbol: 'XAUUSDm' });
    await engine.temporal.client.schedule.getHandle(scheduleIdOf(bot.id)).delete();

    await engine.bots.pause(bot.id, 'NFP in 5 minutes');
    expect((await engine.db.orm.em.fork().findOneOrFail(Bot, bot.id)).status).toBe('paused');
    await expect(engine.schedules.state(bot.id)).resolves.toMatchObject({ exists: false });

    await engine.bots.resume(bot.id, 'NFP out');
    await expect(engine.schedules.state(bot.id)).resolves.toMatchObject({ exists: true, paused: false });
  });

  it('moves or deletes no bot with an open not yet settled or booked: reconcile looks for it on its account only', async () => {
    const bot = await engine.createBot({
      name: 'lifecycle-unbooked',
      symbol: 'XAUUSDm',
      autoTrade: true,
      brokerAccount: 'paper-lifecycle-unbooked',
    });
    const broker = engine.brokerFor(bot.brokerAccount);
    const order = await openDecision(engine.db.orm, broker, bot, 1);
    // Sent, the answer lost: no outcome, no Position row.
    await engine.db.orm.em.fork().insert(Order, {
      bot: bot.id,
      decision: order.decisionId,
      clientOrderId: order.clientOrderId,
      symbol: bot.symbol,
      side: 'buy',
      volume: 0.1,
      requestedPrice: 2000.2,
      status: 'unknown',
      attempts: 1,
      createdAt: new Date(),
      sentAt: new Date(),
      updatedAt: new Date(),
    });

    await expect(engine.bots.update(bot.id, { brokerAccount: 'paper-elsewhere' })).rejects.toMatchObject({
      name: 'BotConflictError',
      field: 'brokerAccount',
      message: expect.stringMatching(/1 open order\(s\) not yet settled or booked as a position/),
    });
    await expect(engine.bots.remove(bot.id, 'retired')).rejects.toBeInstanceOf(BotConflictError);

    // Filled, and still not booked by a reconcile: the same.
    await engine.db.orm.em
      .fork()
      .nativeUpdate(Order, { clientOrderId: order.clientOrderId }, { status: 'filled', brokerTicket: '990001' });
    await expect(engine.bots.update(bot.id, { symbol: 'EURUSDm' })).rejects.toMatchObject({ field: 'symbol' });

    // Booked: the position's own rule answers (close it first); once closed, the move goes through.
    await engine.db.orm.em
      .fork()
      .nativeUpdate(Order, { clientOrderId: order.clientOrderId }, { status: 'cancelled', brokerTicket: null });
    await expect(engine.bots.update(bot.id, { brokerAccount: 'paper-elsewhere' })).resolves.toMatchObject({
      changed: ['brokerAccount'],
    });
  });
});
