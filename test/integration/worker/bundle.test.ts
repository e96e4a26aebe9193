// The production worker's path: the workflows bundled ahead of time by scripts/bundle-workflows.ts,
// loaded by a worker given only the bundle (WORKFLOW_BUNDLE_PATH), run real workflows.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { barsToFetch } from '../../../trading/indicators/anchored-window.ts';
import { bundleWorkflows } from '../../../scripts/bundle-workflows.ts';
import { flattenBot } from '../../../workflows/index.ts';
import { startTestEngine, type TestEngine } from '../../support/engine.ts';

/** A weekday morning: the synthetic market is open. */
const NOW = Date.UTC(2026, 10, 18, 8);

let dir: string;
let engine: TestEngine;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workflow-bundle-'));
  const workflowBundlePath = join(dir, 'workflow-bundle.js');
  expect(await bundleWorkflows(workflowBundlePath)).toBeGreaterThan(0);
  engine = await startTestEngine({ feedSeed: 3, now: () => NOW, schedulesTo: 'nowhere', workflowBundlePath });
});

afterAll(async () => {
  await engine.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a worker on the prebuilt workflow bundle', () => {
  it('runs a whole cycle of a bot', async () => {
    const bot = await engine.createBot({ name: 'bundle-cycle', symbol: 'XAUUSDm' });
    const counts = await engine.runCycle(bot, 'bundle');
    expect(counts.bars).toBe(barsToFetch(bot.lookback));
    expect(counts.strategies).toBeGreaterThan(0);
  });

  it('runs the kill-switch flatten workflow, whose activity finds no such bot', async () => {
    const run = engine.temporal.client.workflow.execute(flattenBot, {
      taskQueue: engine.taskQueue,
      workflowId: `${engine.taskQueue}-flatten`,
      args: [{ botId: 999_999, reason: 'bundle test' }],
    });
    await expect(run).rejects.toMatchObject({
      cause: { activityType: 'closePositions', cause: { type: 'BotNotFound' } },
    });
  });
});
