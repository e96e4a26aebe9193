// Bot status changes and deletions raced on cue against the real Temporal dev server (a held
// gRPC call): a pause that lands while a resume, a re-creation or a deletion is on its way holds,
// and a deleted bot keeps no schedule, whichever lands first.
import { markKillSwitchTripped } from '../../../bots/bot-rows.ts';
import { BotNotFoundError } from '../../../bots/errors.ts';
import { BotStatusChanges } from '../../../bots/status-changes.ts';
import { HALT_NOTE, scheduleIdOf } from '../../../bots/schedule.ts';
import { AuditLog, Bot } from '../../../db/entities/index.ts';
import { racedOnce } from '../../support/raced-grpc.ts';
import { scheduleRig } from '../../support/schedule-rig.ts';

const rig = scheduleRig();

/** The bot's audit events, oldest first. */
async function eventsOf(botId: number): Promise<string[]> {
  const rows = await rig.db.orm.em.fork().find(AuditLog, { bot: botId }, { orderBy: { id: 'asc' } });
  return rows.map((row) => row.event);
}

async function statusOf(botId: number): Promise<string> {
  return (await rig.db.orm.em.fork().findOneOrFail(Bot, botId)).status;
}

describe('resumes raced by pauses', () => {
  it('a kill-switch pause that lands as a resume goes out stays: the resume is refused, saying why', async () => {
    const bot = await rig.bots.create({ name: 'resumed-into-kill-switch', symbol: 'XAUUSDm', paused: true });
    const handle = rig.temporal.client.schedule.getHandle(scheduleIdOf(bot.id));

    const resumed = racedOnce(
      rig.temporal.client,
      'updateSchedule',
      () => rig.schedules.pause(bot.id, 'automatic kill-switch: loss 3.2%'),
      () => rig.bots.resume(bot.id, 'news is out'),
    );

    await expect(resumed).rejects.toThrow(
      /was paused \("automatic kill-switch: loss 3\.2%"\) while it was resumed: its schedule stays paused \(intent active is stored\); look at why, then resume it with --lift-kill-switch/,
    );
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'automatic kill-switch: loss 3.2%' });
    // The row keeps the operator's intent, as after any kill-switch trip; the audit says the resume did not take.
    expect(await statusOf(bot.id)).toBe('active');
    expect((await rig.bots.view(bot.id)).tradingState.state).toBe('paused');
    expect((await eventsOf(bot.id)).slice(-2)).toEqual(['bot_resumed', 'bot_resume_refused']);
    // Asked again, saying so, the operator lifts the kill-switch's pause knowingly.
    await expect(rig.bots.resume(bot.id, 'loss reviewed')).rejects.toThrow(/--lift-kill-switch/);
    await rig.bots.resume(bot.id, 'loss reviewed', { liftKillSwitch: true });
    expect((await handle.describe()).state).toMatchObject({ paused: false, note: 'loss reviewed' });
  });

  it("an operator's pause that lands as a resume goes out wins, though its note is the one lifted", async () => {
    const bot = await rig.bots.create({ name: 'paused-twice-alike', symbol: 'XAUUSDm' });
    const handle = rig.temporal.client.schedule.getHandle(scheduleIdOf(bot.id));
    await rig.bots.pause(bot.id, 'news');

    // The second pause, with the same words, writes its row and its schedule as the resume's unpause is sent.
    const resumed = racedOnce(
      rig.temporal.client,
      'updateSchedule',
      () => rig.bots.pause(bot.id, 'news'),
      () => rig.bots.resume(bot.id, 'back'),
    );

    await expect(resumed).rejects.toThrow(
      /was paused \("news"\) while it was resumed: its schedule stays paused \(its row reads paused too\)/,
    );
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'news' });
    expect(await statusOf(bot.id)).toBe('paused');
    expect((await rig.bots.view(bot.id)).tradingState.state).toBe('paused');
    expect((await eventsOf(bot.id)).slice(-3)).toEqual(['bot_resumed', 'bot_paused', 'bot_resume_refused']);
  });

  it('a resume that finds the schedule made paused by another process from an older read lifts that pause', async () => {
    const bot = await rig.bots.create({ name: 'resumed-into-recreation', symbol: 'XAUUSDm', paused: true });
    await rig.schedules.remove(bot.id);

    // Start-up sync elsewhere makes the schedule from a read of the bot still paused, just after
    // this resume found it missing.
    await racedOnce(
      rig.temporal.client,
      'describeSchedule',
      () => rig.schedules.upsert({ ...bot, status: 'paused' }),
      () => rig.bots.resume(bot.id, 'back'),
      { after: true, scheduleId: scheduleIdOf(bot.id), nth: 2 },
    );

    await expect(rig.schedules.state(bot.id)).resolves.toMatchObject({ exists: true, paused: false });
    expect(await statusOf(bot.id)).toBe('active');
  });
  it('a resume that finds the schedule made again and paused by the kill-switch meanwhile keeps that pause', async () => {
    const bot = await rig.bots.create({ name: 'recreated-then-killed', symbol: 'XAUUSDm', paused: true });
    await rig.schedules.remove(bot.id);

    // Made again running elsewhere, then its kill-switch trips, just after this resume found it missing.
    const resumed = racedOnce(
      rig.temporal.client,
      'describeSchedule',
      async () => {
        await rig.schedules.upsert({ ...bot, status: 'active' });
        await rig.schedules.pause(bot.id, 'automatic kill-switch: loss');
      },
      () => rig.bots.resume(bot.id, 'back'),
      { after: true, scheduleId: scheduleIdOf(bot.id), nth: 2 },
    );

    await expect(resumed).rejects.toThrow(/was paused \("automatic kill-switch: loss"\) while it was resumed/);
    await expect(rig.schedules.state(bot.id)).resolves.toMatchObject({
      paused: true,
      note: 'automatic kill-switch: loss',
    });
    expect((await eventsOf(bot.id)).at(-1)).toBe('bot_resume_refused');
  });
});

describe("the automatic kill-switch's pause", () => {
  it('a trip that lands after the resume looked, before it unpauses, stays: the resume is refused', async () => {
    const bot = await rig.bots.create({ name: 'tripped-between', symbol: 'XAUUSDm', paused: true });

    // After the resume's first look at the schedule (operator-paused, no flag needed), the kill-switch trips.
    const resumed = racedOnce(
      rig.temporal.client,
      'describeSchedule',
      () => rig.schedules.pause(bot.id, 'automatic kill-switch: loss 4%'),
      () => rig.bots.resume(bot.id, 'news out'),
      { after: true, scheduleId: scheduleIdOf(bot.id) },
    );

    await expect(resumed).rejects.toThrow(
      /while it was resumed: .*\(intent active is stored\); look at why, then resume it with --lift-kill-switch/,
    );
    await expect(rig.schedules.state(bot.id)).resolves.toMatchObject({
      paused: true,
      note: 'automatic kill-switch: loss 4%',
    });
  });

  it("stays the schedule's note through an operator's pause, so a plain resume still cannot lift it", async () => {
    const bot = await rig.bots.create({ name: 'tripped-then-paused', symbol: 'XAUUSDm' });
    await rig.schedules.pause(bot.id, 'automatic kill-switch: loss 5%');

    await rig.bots.pause(bot.id, 'looking at it');

    await expect(rig.schedules.state(bot.id)).resolves.toMatchObject({
      paused: true,
      note: 'automatic kill-switch: loss 5%',
    });
    await expect(rig.bots.resume(bot.id, 'routine resume')).rejects.toThrow(/--lift-kill-switch/);
    await rig.bots.resume(bot.id, 'loss reviewed', { liftKillSwitch: true });
    await expect(rig.schedules.state(bot.id)).resolves.toMatchObject({ paused: false });
    expect((await eventsOf(bot.id)).slice(-3)).toEqual(['bot_resume_refused', 'bot_resumed', 'kill_switch_lifted']);
  });

  it('stays through a global halt that read the schedule running just before the trip, and unhalt leaves it', async () => {
    const bot = await rig.bots.create({ name: 'tripped-under-halt', symbol: 'XAUUSDm' });

    // The halt's pause reads the schedule running; the kill-switch trips before the halt writes.
    await racedOnce(
      rig.temporal.client,
      'describeSchedule',
      () => rig.schedules.pause(bot.id, 'automatic kill-switch: loss 6%'),
      () => rig.schedules.pause(bot.id, `${HALT_NOTE}crash`),
      { after: true, scheduleId: scheduleIdOf(bot.id) },
    );

    await expect(rig.schedules.state(bot.id)).resolves.toMatchObject({
      paused: true,
      note: 'automatic kill-switch: loss 6%',
    });
    await expect(rig.schedules.resumeIfPausedAs(bot.id, HALT_NOTE, 'global resume: calm')).resolves.toBe(false);
    await expect(rig.schedules.state(bot.id)).resolves.toMatchObject({ paused: true });
  });
});

describe('schedules made again from an older read', () => {
  it('start-up sync pauses the schedule it makes for a bot paused after it read the bots', async () => {
    const bot = await rig.bots.create({ name: 'paused-while-synced', symbol: 'XAUUSDm' });
    await rig.schedules.remove(bot.id);

    // The pause finds no schedule to pause, and writes the row, as the sync makes one running.
    await racedOnce(
      rig.temporal.client,
      'createSchedule',
      () => rig.bots.pause(bot.id, 'news'),
      () => rig.bots.syncSchedules(),
      {
        scheduleId: scheduleIdOf(bot.id),
      },
    );

    await expect(rig.schedules.state(bot.id)).resolves.toMatchObject({ exists: true, paused: true, note: 'news' });
  });

  it('of two makers of a missing schedule, the later updates what the earlier made', async () => {
    const bot = await rig.bots.create({ name: 'made-twice', symbol: 'XAUUSDm' });
    await rig.schedules.remove(bot.id);

    const written = await racedOnce(
      rig.temporal.client,
      'createSchedule',
      () => rig.schedules.upsert({ ...bot, scheduleIntervalSeconds: 60 }),
      () => rig.schedules.upsert({ ...bot, scheduleIntervalSeconds: 120 }),
      { scheduleId: scheduleIdOf(bot.id) },
    );

    expect(written).toBe('updated');
    const { spec } = await rig.temporal.client.schedule.getHandle(scheduleIdOf(bot.id)).describe();
    expect(spec.intervals).toMatchObject([{ every: 120_000 }]);
  });

  it('a schedule made again from a read of a bot deleted meanwhile is removed again: the resume finds no bot', async () => {
    const bot = await rig.bots.create({ name: 'deleted-while-resumed', symbol: 'XAUUSDm', paused: true });
    await rig.schedules.remove(bot.id);

    // The resume finds the schedule missing and makes it again; the deletion lands just before.
    const resumed = racedOnce(
      rig.temporal.client,
      'createSchedule',
      () => rig.bots.remove(bot.id, 'retired'),
      () => rig.bots.resume(bot.id, 'back to work'),
    );

    await expect(resumed).rejects.toThrow(BotNotFoundError);
    await expect(rig.schedules.state(bot.id)).resolves.toMatchObject({ exists: false });
  });

  it('start-up sync makes no schedule for a bot deleted after it read the bots', async () => {
    const bot = await rig.bots.create({ name: 'deleted-while-synced', symbol: 'XAUUSDm' });
    await rig.schedules.remove(bot.id);

    await racedOnce(
      rig.temporal.client,
      'createSchedule',
      () => rig.bots.remove(bot.id, 'retired'),
      () => rig.bots.syncSchedules(),
      {
        scheduleId: scheduleIdOf(bot.id),
      },
    );

    await expect(rig.schedules.state(bot.id)).resolves.toMatchObject({ exists: false });
  });

  it('a deletion removes a schedule made from an older read between its first removal and its row write', async () => {
    const bot = await rig.bots.create({ name: 'made-while-deleted', symbol: 'XAUUSDm' });

    await racedOnce(
      rig.temporal.client,
      'deleteSchedule',
      () => rig.schedules.upsert(bot),
      () => rig.bots.remove(bot.id, 'retired'),
      {
        after: true,
        scheduleId: scheduleIdOf(bot.id),
      },
    );

    await expect(rig.schedules.state(bot.id)).resolves.toMatchObject({ exists: false });
  });
});

describe("the automatic kill-switch's trip on the row, raced", () => {
  /** A bot its kill-switch tripped, as tripKillSwitch leaves it: the trip on the row, the schedule paused. */
  async function trippedBot(name: string) {
    const bot = await rig.bots.create({ name, symbol: 'XAUUSDm' });
    await markKillSwitchTripped(rig.db.orm.em.fork(), bot.id, 'first loss');
    await rig.schedules.pause(bot.id, 'automatic kill-switch: first loss');
    return bot;
  }

  it('a lift does not lift the pause of a second trip landing as it goes out: paused again, refused', async () => {
    const bot = await trippedBot('lift-raced-by-trip');
    const handle = rig.temporal.client.schedule.getHandle(scheduleIdOf(bot.id));

    // The second trip pauses the schedule just before the lift's unpause reads it, and writes the
    // row after the lift wrote its own.
    const lifted = racedOnce(
      rig.temporal.client,
      'describeSchedule',
      async () => {
        await rig.schedules.pause(bot.id, 'automatic kill-switch: second loss');
        await markKillSwitchTripped(rig.db.orm.em.fork(), bot.id, 'second loss');
      },
      () => rig.bots.resume(bot.id, 'loss reviewed', { liftKillSwitch: true }),
      { scheduleId: scheduleIdOf(bot.id), nth: 2 },
    );

    await expect(lifted).rejects.toThrow(
      /automatic kill-switch tripped at \S+ \("automatic kill-switch: second loss"\) while it was resumed: its schedule stays paused \(intent active is stored\); look at why \(it tripped again meanwhile\)/,
    );
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'automatic kill-switch: second loss' });
    const row = await rig.db.orm.em.fork().findOneOrFail(Bot, bot.id);
    expect(row.killSwitchReason).toBe('second loss');
    expect((await rig.bots.view(bot.id)).tradingState.state).toBe('paused');
    expect((await eventsOf(bot.id)).slice(-3)).toEqual(['bot_resumed', 'kill_switch_lifted', 'bot_resume_refused']);
  });

  it('a lift whose row write loses to a second trip is refused as that trip, and writes nothing', async () => {
    const bot = await trippedBot('lift-lost-to-trip');
    const versionBefore = (await rig.db.orm.em.fork().findOneOrFail(Bot, bot.id)).version;
    // The second trip lands between the lift's read of the row and its write.
    const base = rig.db.orm.em.fork();
    const fork = base.fork.bind(base);
    let armed = true;
    base.fork = ((options) => {
      const em = fork(options);
      if (!armed) return em;
      armed = false;
      const flush = em.flush.bind(em);
      em.flush = async () => {
        await markKillSwitchTripped(rig.db.orm.em.fork(), bot.id, 'second loss');
        return flush();
      };
      return em;
    }) as typeof base.fork;

    const lifted = new BotStatusChanges(base, rig.schedules).run(bot.id, 'active', 'loss reviewed', {
      liftKillSwitch: true,
    });

    await expect(lifted).rejects.toMatchObject({
      field: 'liftKillSwitch',
      message: expect.stringMatching(
        /^bot \d+'s automatic kill-switch tripped at \S+ \("automatic kill-switch: second loss"\): look at why \(it tripped again meanwhile\)/,
      ),
    });
    const row = await rig.db.orm.em.fork().findOneOrFail(Bot, bot.id);
    expect(row).toMatchObject({ killSwitchReason: 'second loss', version: versionBefore + 1 });
    expect((await rig.schedules.state(bot.id)).paused).toBe(true);
    expect((await eventsOf(bot.id)).at(-1)).toBe('bot_resume_refused');
    expect(await eventsOf(bot.id)).not.toContain('kill_switch_lifted');
  });

  it('a lift whose unpause fails (Temporal unreachable) puts the trip back on the row, audited', async () => {
    const bot = await trippedBot('lift-unpause-fails');
    const before = await rig.db.orm.em.fork().findOneOrFail(Bot, bot.id);
    const unreachable = new Proxy(rig.schedules, {
      get(target, property) {
        if (property === 'resume') return () => Promise.reject(new Error('14 UNAVAILABLE: connection refused'));
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

    const lifted = new BotStatusChanges(rig.db.orm.em.fork(), unreachable).run(bot.id, 'active', 'loss reviewed', {
      liftKillSwitch: true,
    });

    await expect(lifted).rejects.toThrow('14 UNAVAILABLE: connection refused');
    const row = await rig.db.orm.em.fork().findOneOrFail(Bot, bot.id);
    expect(row).toMatchObject({ killSwitchReason: 'first loss', killSwitchTrippedAt: before.killSwitchTrippedAt });
    expect((await rig.schedules.state(bot.id)).note).toBe('automatic kill-switch: first loss');
    expect((await eventsOf(bot.id)).slice(-3)).toEqual([
      'bot_resumed',
      'kill_switch_lifted',
      'kill_switch_lift_undone',
    ]);
  });
});
