// Bot schedules on the real Temporal dev server.
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import { HALT_NOTE, scheduleIdOf } from '../../../bots/schedule.ts';
import { landed, writeOverDescribed } from '../../../bots/schedule-write.ts';
import { racedOnce } from '../../support/raced-grpc.ts';
import { scheduleRig } from '../../support/schedule-rig.ts';

const rig = scheduleRig();

function describeSchedule(botId: number) {
  return rig.temporal.client.schedule.getHandle(scheduleIdOf(botId)).describe();
}

describe('bot schedules', () => {
  it('creates scalper-bot-<id>: every 45 s, overlap SKIP, short catch-up, BotId/Symbol on every run', async () => {
    const bot = await rig.bots.create({ name: 'schedule-shape', symbol: 'XAUUSDm' });
    const schedule = await describeSchedule(bot.id);
    expect(schedule.scheduleId).toBe(`scalper-bot-${bot.id}`);
    expect(schedule.spec.intervals).toMatchObject([{ every: 45_000 }]);
    expect(schedule.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(schedule.policies.catchupWindow).toBe(30_000);
    expect(schedule.action).toMatchObject({
      workflowType: 'scalperCycle',
      args: [{ botId: bot.id }],
      // 3 s before the next fire; the cycle splits it (workflows/cycle-timing.ts).
      workflowRunTimeout: 42_000,
    });
    const attributes = (schedule.action.typedSearchAttributes as TypedSearchAttributes)
      .getAll()
      .map(({ key, value }) => [key.name, value]);
    expect(attributes).toEqual(
      expect.arrayContaining([
        ['BotId', String(bot.id)],
        ['Symbol', 'XAUUSDm'],
      ]),
    );
    expect(schedule.state.paused).toBe(false);
  });

  it('fires a bar-close bot a few seconds into every minute, and goes back to its interval when asked', async () => {
    const bot = await rig.bots.create({ name: 'on-bar-close', symbol: 'XAUUSDm', barCloseDelaySeconds: 2 });
    const schedule = await describeSchedule(bot.id);
    expect(schedule.spec.intervals ?? []).toEqual([]);
    expect(schedule.spec.calendars).toMatchObject([
      { second: [{ start: 2, end: 2 }], minute: [{ start: 0, end: 59 }] },
    ]);
    // A minute between cycles: 3 s before the next fire, as for any cadence.
    expect(schedule.action).toMatchObject({ workflowRunTimeout: 57_000 });
    const next = (await rig.temporal.client.schedule.getHandle(scheduleIdOf(bot.id)).describe()).info.nextActionTimes;
    for (const time of next) expect(time.getUTCSeconds()).toBe(2);

    await rig.bots.update(bot.id, { barCloseDelaySeconds: null });
    const back = await describeSchedule(bot.id);
    expect(back.spec.calendars ?? []).toEqual([]);
    expect(back.spec.intervals).toMatchObject([{ every: 45_000 }]);
    expect(back.action).toMatchObject({ workflowRunTimeout: 42_000 });
  });

  it('an upsert (a restart, a settings change) never un-pauses a schedule paused from the terminal', async () => {
    const bot = await rig.bots.create({ name: 'stays-paused', symbol: 'XAUUSDm' });
    await rig.temporal.client.schedule.getHandle(scheduleIdOf(bot.id)).pause('news spike');
    await rig.schedules.upsert({ ...bot, scheduleIntervalSeconds: 60 });
    const schedule = await describeSchedule(bot.id);
    expect(schedule.state).toMatchObject({ paused: true, note: 'news spike' });
    expect(schedule.spec.intervals).toMatchObject([{ every: 60_000 }]);
    await expect(rig.schedules.state(bot.id)).resolves.toEqual({ exists: true, paused: true, note: 'news spike' });
  });

  it("a pause that lands between an update's read and its write is kept: the stale write is dropped", async () => {
    const bot = await rig.bots.create({ name: 'paused-mid-update', symbol: 'XAUUSDm' });
    const scheduleId = scheduleIdOf(bot.id);
    const handle = rig.temporal.client.schedule.getHandle(scheduleId);
    const read = await handle.describe();
    await handle.pause('kill-switch: news spike');
    const change = { spec: { intervals: [{ every: '60 seconds' }] }, action: read.action, policies: {} };

    const stale = await writeOverDescribed(rig.temporal.client, scheduleId, read, change);

    const after = await handle.describe();
    expect(after.state).toMatchObject({ paused: true, note: 'kill-switch: news spike' });
    expect(after.spec.intervals).toMatchObject([{ every: 45_000 }]);
    expect(landed(stale, after)).toBe(false);
    // The same change over the fresh schedule lands, and keeps the pause.
    const fresh = await writeOverDescribed(rig.temporal.client, scheduleId, after, change);
    const now = await handle.describe();
    expect(landed(fresh, now)).toBe(true);
    expect(now.state).toMatchObject({ paused: true, note: 'kill-switch: news spike' });
    expect(now.spec.intervals).toMatchObject([{ every: 60_000 }]);
  });

  it('a write dropped for a pause repeated with the same note is not taken for landed', async () => {
    const bot = await rig.bots.create({ name: 'repaused-mid-update', symbol: 'XAUUSDm', paused: true });
    const scheduleId = scheduleIdOf(bot.id);
    const handle = rig.temporal.client.schedule.getHandle(scheduleId);
    const read = await handle.describe();
    // The kill-switch's pause again (its step retried): the state reads the same, the token moves.
    await handle.pause(read.state.note);
    const change = { spec: { intervals: [{ every: '60 seconds' }] }, action: read.action, policies: {} };

    const dropped = await writeOverDescribed(rig.temporal.client, scheduleId, read, change);

    const after = await handle.describe();
    expect(after.state).toEqual(read.state);
    expect(landed(dropped, after)).toBe(false);
  });

  it('an upsert goes again over a schedule paused under it, and keeps the pause', async () => {
    const bot = await rig.bots.create({ name: 'upsert-raced', symbol: 'XAUUSDm' });
    const handle = rig.temporal.client.schedule.getHandle(scheduleIdOf(bot.id));

    await racedOnce(
      rig.temporal.client,
      'updateSchedule',
      () => handle.pause('paused from a terminal'),
      () => rig.schedules.upsert({ ...bot, scheduleIntervalSeconds: 90 }),
    );

    const schedule = await handle.describe();
    expect(schedule.state).toMatchObject({ paused: true, note: 'paused from a terminal' });
    expect(schedule.spec.intervals).toMatchObject([{ every: 90_000 }]);
  });

  it('of two upserts that read the same schedule, the later one lands too: the last settings win', async () => {
    const bot = await rig.bots.create({ name: 'upserts-raced', symbol: 'XAUUSDm' });

    // The other process's upsert lands between this one's read and its write.
    await racedOnce(
      rig.temporal.client,
      'updateSchedule',
      () => rig.schedules.upsert({ ...bot, scheduleIntervalSeconds: 60 }),
      () => rig.schedules.upsert({ ...bot, scheduleIntervalSeconds: 120 }),
    );

    expect((await describeSchedule(bot.id)).spec.intervals).toMatchObject([{ every: 120_000 }]);
  });

  it("the global resume's unpause is dropped when a pause for another reason lands as it goes out", async () => {
    const bot = await rig.bots.create({ name: 'halted-then-killed', symbol: 'XAUUSDm' });
    const handle = rig.temporal.client.schedule.getHandle(scheduleIdOf(bot.id));
    await rig.schedules.pause(bot.id, 'global halt: drill');

    const resumed = await racedOnce(
      rig.temporal.client,
      'updateSchedule',
      () => handle.pause('automatic kill-switch: loss'),
      () => rig.schedules.resumeIfPausedAs(bot.id, 'global halt: ', 'global resume: drill over'),
    );

    expect(resumed).toBe(false);
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'automatic kill-switch: loss' });
    // A halt after the trip keeps the trip's note, which the global resume then leaves.
    await rig.schedules.pause(bot.id, 'global halt: drill');
    await expect(rig.schedules.resumeIfPausedAs(bot.id, 'global halt: ', 'global resume: drill over')).resolves.toBe(
      false,
    );
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'automatic kill-switch: loss' });
    // Unraced, it unpauses the halt's own pause.
    const halted = await rig.bots.create({ name: 'halted-only', symbol: 'XAUUSDm' });
    await rig.schedules.pause(halted.id, 'global halt: drill');
    await expect(rig.schedules.resumeIfPausedAs(halted.id, 'global halt: ', 'global resume: drill over')).resolves.toBe(
      true,
    );
    await expect(rig.schedules.state(halted.id)).resolves.toMatchObject({
      paused: false,
      note: 'global resume: drill over',
    });
  });

  it('of two upserts that differ only in search attributes (a symbol change), the later lands too', async () => {
    const bot = await rig.bots.create({ name: 'symbols-raced', symbol: 'XAUUSDm' });

    await racedOnce(
      rig.temporal.client,
      'updateSchedule',
      () => rig.schedules.upsert({ ...bot, symbol: 'EURUSDm' }),
      () => rig.schedules.upsert({ ...bot, symbol: 'BTCUSDm' }),
    );

    const attributes = (await describeSchedule(bot.id)).action.typedSearchAttributes as TypedSearchAttributes;
    expect(attributes.getAll().find(({ key }) => key.name === 'Symbol')?.value).toBe('BTCUSDm');
  });

  it('an upsert over a schedule deleted under it makes the schedule again', async () => {
    const bot = await rig.bots.create({ name: 'deleted-mid-update', symbol: 'XAUUSDm' });
    const handle = rig.temporal.client.schedule.getHandle(scheduleIdOf(bot.id));

    await racedOnce(
      rig.temporal.client,
      'updateSchedule',
      () => handle.delete(),
      () => rig.schedules.upsert({ ...bot, scheduleIntervalSeconds: 75 }),
    );

    expect((await handle.describe()).spec.intervals).toMatchObject([{ every: 75_000 }]);
  });

  it("the halt's pause keeps a bot's own pause that lands with it, which lifting the halt then leaves", async () => {
    const bot = await rig.bots.create({ name: 'halt-meets-kill-switch', symbol: 'XAUUSDm' });
    const handle = rig.temporal.client.schedule.getHandle(scheduleIdOf(bot.id));

    // The automatic kill-switch pauses just before the halt reads its own pause back.
    await racedOnce(
      rig.temporal.client,
      'describeSchedule',
      () => handle.pause('automatic kill-switch: loss'),
      () => rig.schedules.pause(bot.id, `${HALT_NOTE}crash`),
    );

    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'automatic kill-switch: loss' });
    await expect(rig.schedules.resumeIfPausedAs(bot.id, HALT_NOTE, 'global resume: calm')).resolves.toBe(false);
    expect((await handle.describe()).state.paused).toBe(true);
  });

  it("a bot's own pause that finds the halt's note there writes its own again, so lifting the halt leaves it", async () => {
    const bot = await rig.bots.create({ name: 'kill-switch-meets-halt', symbol: 'XAUUSDm' });
    const handle = rig.temporal.client.schedule.getHandle(scheduleIdOf(bot.id));

    await racedOnce(
      rig.temporal.client,
      'describeSchedule',
      () => handle.pause(`${HALT_NOTE}crash`),
      () => rig.schedules.pause(bot.id, 'automatic kill-switch: loss'),
    );

    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'automatic kill-switch: loss' });
  });

  it('a pause holds though a trigger arrives with it (the server keeps one pending change)', async () => {
    const bot = await rig.bots.create({ name: 'paused-with-trigger', symbol: 'XAUUSDm' });
    const handle = rig.temporal.client.schedule.getHandle(scheduleIdOf(bot.id));
    for (let round = 0; round < 10; round++) {
      await Promise.all([rig.schedules.pause(bot.id, `kill-switch ${round}`), handle.trigger()]);
      expect((await handle.describe()).state).toMatchObject({ paused: true, note: `kill-switch ${round}` });
      // The next round starts running (a trigger can swallow an unpause too).
      while ((await handle.describe()).state.paused) await handle.unpause('next round');
    }
  });

  it('start-up sync recreates a missing schedule, paused if the bot is paused', async () => {
    const bot = await rig.bots.create({ name: 'recreated', symbol: 'XAUUSDm', paused: true });
    await rig.schedules.remove(bot.id);
    await expect(rig.schedules.state(bot.id)).resolves.toMatchObject({ exists: false });
    await rig.bots.syncSchedules();
    await expect(rig.schedules.state(bot.id)).resolves.toMatchObject({ exists: true, paused: true });
  });
});
