// `npm run temporal -- …` runs the project's Temporal CLI against the engine's server, so the
// README's terminal commands work as written without the CLI on PATH.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BotSchedules, scheduleIdOf } from '../../../bots/schedule.ts';
import type { TemporalConnections } from '../../../infra/startup.ts';
import { connectTestTemporal, uniqueTaskQueue } from '../../support/temporal.ts';

const run = promisify(execFile);
let temporal: TemporalConnections;
let schedules: BotSchedules;
const BOT = { id: 990_001, symbol: 'XAUUSDm', scheduleIntervalSeconds: 45, status: 'active' as const };

beforeAll(async () => {
  temporal = await connectTestTemporal();
  schedules = new BotSchedules(temporal.client, uniqueTaskQueue('unpolled'));
  await schedules.upsert(BOT);
});

afterAll(async () => {
  await schedules.remove(BOT.id);
  await temporal.close();
});

it('pauses a bot from the terminal with the command the README shows', async () => {
  const id = scheduleIdOf(BOT.id);
  const args = ['scripts/temporal.ts', 'schedule', 'toggle', '--schedule-id', id, '--pause', '--reason', 'news spike'];
  // PATH without the cache: the script must find the CLI itself.
  const env = { ...process.env, PATH: '/usr/bin:/bin' };
  await run(process.execPath, args, { env });
  await expect(schedules.state(BOT.id)).resolves.toMatchObject({ paused: true, note: 'news spike' });
});
