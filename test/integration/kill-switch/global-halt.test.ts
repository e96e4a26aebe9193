// The global kill-switch raced against cycles in flight: once halt() returns, no order goes out.
import { GlobalKillSwitch } from '../../../bots/kill-switch.ts';
import { AuditLog, Decision, Order, type IBot } from '../../../db/entities/index.ts';
import { scalperCycle } from '../../../workflows/index.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';
import { pinBarMinute } from '../../support/firing-minute.ts';
import { slowSends } from '../../support/slow-broker.ts';

const SEED = 11;
const firing = pinBarMinute(SEED, Date.UTC(2026, 10, 17, 9), { lookback: 120, clear: true });
const BOTS = 6;

let engine: TestEngine;
let killSwitch: GlobalKillSwitch;

beforeAll(async () => {
  engine = await startTestEngine({
    feedSeed: SEED,
    now: () => firing.now,
    wrapBroker: (broker) => slowSends(broker, 400),
    schedulesTo: 'nowhere',
  });
  killSwitch = new GlobalKillSwitch(engine.db.orm, engine.schedules, engine.temporal.client, engine.taskQueue);
});

afterAll(() => engine.stop());

async function brokerOrders(bots: IBot[]): Promise<number> {
  let count = 0;
  for (const bot of bots)
    count += (
      await engine
        .brokerFor(bot.brokerAccount)
        .historyOrders({ from: 0, to: firing.now + 60_000 }, { magic: bot.magic })
    ).length;
  return count;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('global kill-switch', () => {
  it('lets no order through after halt() returns, pauses every bot, and resumes only what it paused', async () => {
    const bots: IBot[] = [];
    for (let i = 0; i < BOTS; i++) {
      bots.push(
        await engine.createBot({
          name: `halt-${i}`,
          symbol: 'XAUUSDm',
          enabledStrategies: ['pin_bar'],
          lookback: 120,
          autoTrade: true,
          brokerAccount: `paper-halt-${i}`,
          riskSettings: { decisionMinScore: 0 },
        }),
      );
    }
    const manuallyPaused = await engine.createBot({ name: 'halt-manual', symbol: 'XAUUSDm', paused: true });
    await engine.schedules.pause(manuallyPaused.id, 'paused by the operator');

    const em = engine.db.orm.em.fork();
    // Staggered starts: some cycles are at the broker when the halt comes, some not there yet.
    const cycles = bots.map(async (bot, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 150));
      return engine.temporal.client.workflow.start(scalperCycle, {
        taskQueue: engine.taskQueue,
        workflowId: `halt-race-${bot.id}`,
        args: [{ botId: bot.id }],
      });
    });
    // Halt while the first sends are at the broker.
    await waitFor(async () => (await em.fork().count(Order, { status: 'sent' })) > 0, 30_000);
    const halted = await killSwitch.halt('flash crash');
    const ordersAtHalt = await brokerOrders(bots);

    await Promise.all((await Promise.all(cycles)).map((handle) => handle.result().catch(() => null)));
    expect(await brokerOrders(bots)).toBe(ordersAtHalt);

    // Every signal ended somewhere explainable: sent before the halt, or stopped by it.
    const orders = await em.fork().find(Order, { bot: { $in: bots.map((b) => b.id) } });
    const filled = orders.filter((o) => o.status === 'filled');
    const cancelled = orders.filter((o) => o.status === 'cancelled');
    expect(filled.length).toBe(ordersAtHalt);
    expect(cancelled.every((o) => o.error === 'not sent: flash crash')).toBe(true);
    const ignoredForHalt = await em.fork().count(Decision, { action: 'ignore', reason: { $like: '%halt%' } });
    expect(filled.length + cancelled.length + ignoredForHalt).toBe(BOTS);
    expect(cancelled.length + ignoredForHalt).toBeGreaterThan(0);

    expect(halted.pausedBots.sort()).toEqual(bots.map((b) => b.id).sort());
    for (const bot of bots)
      await expect(engine.schedules.state(bot.id)).resolves.toMatchObject({
        paused: true,
        note: 'global halt: flash crash',
      });
    await expect(killSwitch.status()).resolves.toMatchObject({ halted: true, reason: 'flash crash' });

    const resumed = await killSwitch.resume('markets calm');
    expect(resumed.resumedBots.sort()).toEqual(bots.map((b) => b.id).sort());
    await expect(engine.schedules.state(manuallyPaused.id)).resolves.toMatchObject({
      paused: true,
      note: 'paused by the operator',
    });
    await expect(killSwitch.status()).resolves.toMatchObject({ halted: false });
    expect(await em.fork().count(AuditLog, { event: { $in: ['global_halt', 'global_resume'] } })).toBe(2);
  });

  it('flattens every bot when asked', async () => {
    const bot = await engine.createBot({
      name: 'flatten-me',
      symbol: 'XAUUSDm',
      enabledStrategies: ['pin_bar'],
      lookback: 120,
      autoTrade: true,
      brokerAccount: 'paper-flatten',
      riskSettings: { decisionMinScore: 0 },
    });
    await engine.runCycle(bot, 'open');
    const broker = engine.brokerFor(bot.brokerAccount);
    expect(await broker.positions({ magic: bot.magic })).toHaveLength(1);

    const result = await killSwitch.halt('weekend gap risk', { flatten: true });
    expect(result.flattened.find((f) => f.botId === bot.id)).toMatchObject({
      closed: [expect.any(String)],
      failed: [],
    });
    expect(await broker.positions({ magic: bot.magic })).toEqual([]);
    await killSwitch.resume('done');
  });
});
