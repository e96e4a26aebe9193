// The backtest's young generation is set in two places, the node flag of the processes that run
// backtests in their main thread and the threads' resource limit: they must say the same.
import { readFileSync } from 'node:fs';
import { BACKTEST_YOUNG_GENERATION_MB, backtestWorker } from '../../../backtest/young-generation.ts';

const scripts = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

describe("the backtest's young generation", () => {
  // V8's young generation is its two semi-spaces and a large-object space of the same size.
  const semiSpaceFlag = `--max-semi-space-size=${BACKTEST_YOUNG_GENERATION_MB / 3}`;

  it.each(['scalper', 'bench:backtest'])('npm run %s runs node with semi-spaces of a third of it', (script) => {
    expect(scripts[script]).toMatch(new RegExp(`^scripts/with-node24 node ${semiSpaceFlag} `));
  });

  it('is the resource limit of the threads that run backtests', async () => {
    const thread = backtestWorker('setTimeout(() => {}, 10_000)', { eval: true });
    await new Promise((resolve) => thread.once('online', resolve));
    expect(thread.resourceLimits?.maxYoungGenerationSizeMb).toBe(BACKTEST_YOUNG_GENERATION_MB);
    await thread.terminate();
  });
});
