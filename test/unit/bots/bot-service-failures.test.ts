// What the bot service and the global kill-switch do when a call fails half-way: a write that loses
// its version lock, a schedule update Temporal refused, one bot's flatten failing in a halt, one
// bot's unpause failing in a resume. The failures are injected at the database and Temporal
// boundaries, which cannot be made to fail on cue otherwise; the happy paths run on the real
// servers (test/integration/bots, kill-switch).
import { jest } from '@jest/globals';
import { OptimisticLockError } from '@mikro-orm/core';
import { WorkflowFailedError } from '@temporalio/client';
import { BotConflictError } from '../../../bots/errors.ts';
import { GlobalKillSwitch } from '../../../bots/kill-switch.ts';
import { BotService } from '../../../bots/service.ts';
import { lookbackFor, newBotSchema } from '../../../bots/settings.ts';
import { Bot } from '../../../db/entities/index.ts';
import type { StrategyName } from '../../../trading/strategies/index.ts';

function storedBot(): Record<string, unknown> {
  const parsed = newBotSchema.parse({ name: 'gold', symbol: 'XAUUSDm', brokerAccount: 'icm-demo' });
  return {
    id: 1,
    name: parsed.name,
    symbol: parsed.symbol,
    timeframe: '1m',
    lookback: lookbackFor(undefined, parsed.enabledStrategies as StrategyName[], parsed.strategyParams),
    status: 'active',
    autoTrade: true,
    enabledStrategies: parsed.enabledStrategies,
    strategyParams: parsed.strategyParams,
    riskSettings: parsed.riskSettings,
    brokerAccount: parsed.brokerAccount,
    magic: 1001,
    scheduleIntervalSeconds: 45,
    barCloseDelaySeconds: null,
    deletedAt: null,
    version: 1,
    createdAt: new Date(),
    updatedAt: new Date(),
  };
}

/**
 * An entity manager holding one bot row; `flush` writes the loaded copy back, or throws `failure`
 * (its first `failures` times).
 */
function oneBotEm(row: Record<string, unknown>, failure?: Error, failures = Infinity) {
  let loaded: Record<string, unknown> | null = null;
  let failed = 0;
  const em = {
    fork: () => em,
    findOne: async (entity: unknown) => {
      if (entity !== Bot) throw new Error('only the bot is read here');
      loaded = { ...row };
      return loaded;
    },
    count: async () => 0,
    create: () => ({}),
    flush: async () => {
      if (failure && failed < failures) {
        failed++;
        throw failure;
      }
      if (loaded) Object.assign(row, loaded, { version: (row.version as number) + 1 });
    },
  };
  return em;
}

const symbols = { symbolsOf: async () => ['XAUUSDm', 'EURUSDm'] };

describe('BotService when a write or Temporal fails', () => {
  it('a settings change whose schedule update failed reaches the schedule on the retry, which finds the row written', async () => {
    const row = storedBot();
    const upsert = jest
      .fn<(bot: unknown) => Promise<void>>()
      .mockRejectedValueOnce(new Error('14 UNAVAILABLE'))
      .mockResolvedValue(undefined);
    const service = new BotService(oneBotEm(row) as never, { upsert } as never, symbols);
    await expect(service.update(1, { scheduleIntervalSeconds: 120 })).rejects.toThrow(/UNAVAILABLE/);
    expect(row.scheduleIntervalSeconds).toBe(120);

    await expect(service.update(1, { scheduleIntervalSeconds: 120 })).resolves.toMatchObject({ changed: [] });
    expect(upsert).toHaveBeenCalledTimes(2);
    expect(upsert.mock.calls[1]![0]).toMatchObject({ scheduleIntervalSeconds: 120 });
  });

  it.each(['resume', 'reduce'] as const)(
    'a %s that loses the version lock is a conflict and leaves the schedule as it was',
    async (action) => {
      const schedules = {
        state: jest.fn(async () => ({ exists: true, paused: true, note: 'NFP' })),
        resume: jest.fn(async () => undefined),
        upsert: jest.fn(async () => undefined),
      };
      const em = oneBotEm(storedBot(), OptimisticLockError.lockFailed('Bot'));
      const service = new BotService(em as never, schedules as never, symbols);
      await expect(service[action](1, 'end of session')).rejects.toBeInstanceOf(BotConflictError);
      expect(schedules.resume).not.toHaveBeenCalled();
    },
  );

  it('a pause whose row keeps changing under it has paused the schedule all the same', async () => {
    const schedules = { pause: jest.fn(async () => undefined) };
    const service = new BotService(
      oneBotEm(storedBot(), OptimisticLockError.lockFailed('Bot')) as never,
      schedules as never,
      symbols,
    );
    await expect(service.pause(1, 'NFP')).rejects.toThrow(
      new BotConflictError('bot 1 was changed concurrently 3 times: its schedule is paused, its row not', 'version'),
    );
    expect(schedules.pause).toHaveBeenCalledWith(1, 'NFP');
  });

  it('a pause that loses the version lock to a resume wins: the row is read again and written paused, the schedule paused again', async () => {
    const row = storedBot();
    const schedules = { pause: jest.fn(async () => undefined) };
    // The resume saved first (the lock lost once), and may have unpaused the schedule since.
    const service = new BotService(
      oneBotEm(row, OptimisticLockError.lockFailed('Bot'), 1) as never,
      schedules as never,
      symbols,
    );
    await expect(service.pause(1, 'NFP')).resolves.toMatchObject({ status: 'paused' });
    expect(row.status).toBe('paused');
    expect(schedules.pause.mock.calls).toEqual([
      [1, 'NFP'],
      [1, 'NFP'],
    ]);
  });
});

/** The kill-switch's entity manager over bots 1–3: the audit rows it is given are kept in `audited`. */
function threeBotsEm() {
  const audited: Array<{ event?: string; data?: unknown }> = [];
  const tx = { execute: async () => [], nativeUpdate: async () => 1 };
  const em = {
    fork: () => em,
    transactional: async (work: (t: typeof tx) => Promise<void>) => work(tx),
    nativeUpdate: async () => 1,
    find: async () => [{ id: 1 }, { id: 2 }, { id: 3 }],
    create: (_entity: unknown, row: { event?: string; data?: unknown }) => {
      audited.push(row);
      return row;
    },
    flush: async () => undefined,
  };
  return { em, audited };
}

/** A halt over bots 1–3 whose flatten fails for bot 1; `start` is Temporal's workflow start. */
function haltWithFailingBot(start: () => Promise<unknown>) {
  const { em, audited } = threeBotsEm();
  const schedules = {
    state: async () => ({ exists: true, paused: false, note: null }),
    pause: jest.fn(async () => undefined),
  };
  const execute = jest.fn(async (_workflow: unknown, options: { args: [{ botId: number }] }) => {
    const { botId } = options.args[0];
    if (botId === 1)
      throw new WorkflowFailedError('flattenBot failed', new Error('ECONNREFUSED'), 'MAXIMUM_ATTEMPTS_REACHED');
    return { closed: [`${botId}00`], failed: [], orders: [] };
  });
  const client = { workflow: { execute, start } };
  const killSwitch = new GlobalKillSwitch({ em } as never, schedules as never, client as never, 'scalper');
  return { killSwitch, execute, audited };
}

describe('GlobalKillSwitch.halt with flatten when one bot fails', () => {
  it("flattens the others, writes the halt's audit row, and hands the failed bot to a run until flat", async () => {
    const start = jest.fn(async () => undefined);
    const { killSwitch, execute, audited } = haltWithFailingBot(start);

    const result = await killSwitch.halt('flash crash', { flatten: true });

    expect(execute.mock.calls.map(([, options]) => options.args[0].botId).sort()).toEqual([1, 2, 3]);
    expect(result.flattened.map((flat) => flat.botId)).toEqual([2, 3]);
    expect(result.failures).toEqual([
      { botId: 1, step: 'flatten', error: 'flattenBot failed', untilFlat: 'scalper-flatten-1-until-flat' },
    ]);
    expect(start).toHaveBeenCalledTimes(1);
    expect(audited).toEqual([expect.objectContaining({ event: 'global_halt' })]);
  });

  it('says so when the failed bot could not be handed to a run until flat either', async () => {
    const { killSwitch, audited } = haltWithFailingBot(async () => {
      throw new Error('14 UNAVAILABLE');
    });
    const result = await killSwitch.halt('flash crash', { flatten: true });
    expect(result.failures).toEqual([
      {
        botId: 1,
        step: 'flatten',
        error: 'flattenBot failed; no run until flat could start: 14 UNAVAILABLE',
        untilFlat: null,
      },
    ]);
    expect(audited).toEqual([expect.objectContaining({ event: 'global_halt' })]);
  });
});

describe('GlobalKillSwitch.resume when one bot fails', () => {
  it("resumes the others, writes the resume's audit row, and reports the bot that stays paused", async () => {
    const { em, audited } = threeBotsEm();
    const schedules = {
      resumeIfPausedAs: jest.fn(async (botId: number) => {
        if (botId === 1) throw new Error('14 UNAVAILABLE');
        return true;
      }),
    };
    const killSwitch = new GlobalKillSwitch({ em } as never, schedules as never, {} as never, 'scalper');

    const result = await killSwitch.resume('calm again');

    expect(result).toEqual({ resumedBots: [2, 3], failures: [{ botId: 1, error: '14 UNAVAILABLE' }] });
    expect(audited).toEqual([
      expect.objectContaining({ event: 'global_resume', data: { resumedBots: [2, 3], failures: result.failures } }),
    ]);
  });
});
