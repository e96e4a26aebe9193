// The manual kill-switch: `temporal schedule toggle --pause` from a terminal stops a bot's cycles,
// and the engine's view of the bot reads the pause from Temporal.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CycleRun } from '../../../db/entities/index.ts';
import { loadConfig } from '../../../infra/config.ts';
import { locateTemporalCli } from '../../../infra/temporal-cli.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';

const run = promisify(execFile);
let engine: TestEngine;

beforeAll(async () => {
  // Wall clock: the schedule really fires, every 15 s, on this engine's worker.
  engine = await startTestEngine({ feedSeed: 3, schedulesTo: 'worker' });
});

afterAll(() => engine.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function cyclesOf(botId: number): Promise<number> {
  return engine.db.orm.em.fork().count(CycleRun, { bot: botId });
}

it('a paused schedule starts no more cycles, and the bot reads as paused', async () => {
  const config = loadConfig();
  const cli = locateTemporalCli(config.TEMPORAL_CLI_PATH, config.cacheDir);
  if (!cli) throw new Error('no temporal CLI: run `npm run provision` (or set TEMPORAL_CLI_PATH)');
  const bot = await engine.createBot({ name: 'terminal-pause', symbol: 'XAUUSDm', scheduleIntervalSeconds: 15 });

  const deadline = Date.now() + 40_000;
  while ((await cyclesOf(bot.id)) === 0 && Date.now() < deadline) await sleep(500);
  expect(await cyclesOf(bot.id)).toBeGreaterThan(0);

  await run(cli, [
    'schedule',
    'toggle',
    '--schedule-id',
    `scalper-bot-${bot.id}`,
    '--pause',
    '--reason',
    'news spike',
    '--address',
    process.env.TEMPORAL_ADDRESS!,
    '--namespace',
    'default',
  ]);
  await expect(engine.schedules.state(bot.id)).resolves.toEqual({ exists: true, paused: true, note: 'news spike' });
  await sleep(3_000); // a cycle already running may still finish
  const atPause = await cyclesOf(bot.id);
  await sleep(20_000); // longer than the 15 s interval
  expect(await cyclesOf(bot.id)).toBe(atPause);
}, 90_000);
