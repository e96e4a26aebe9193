// A bot's decision on a buy signal of its last bar, as evaluateRisk stores it: its checks by name,
// and those that failed.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities } from '../../activities/index.ts';
import type { DecisionSummary } from '../../activities/types.ts';
import { Decision, type IBot } from '../../db/entities/index.ts';
import type { TestEngine } from './engine.ts';
import { signalsOnLastBar } from './signals-on-last-bar.ts';

export async function decidedBuy(engine: TestEngine, bot: IBot, attempt = new MockActivityEnvironment()) {
  const { evaluateRisk } = createActivities(engine.deps);
  const input = { botId: bot.id, signalIds: await signalsOnLastBar(engine, bot, [['pin_bar', 'buy']]) };
  const [decided] = (await attempt.run(evaluateRisk, input)) as DecisionSummary[];
  const stored = await engine.db.orm.em.fork().findOneOrFail(Decision, decided!.decisionId);
  return {
    id: stored.id,
    action: stored.action,
    check: (name: string) => stored.checks.find((check) => check.name === name)!,
    failed: stored.checks.filter((check) => !check.passed).map((check) => check.name),
  };
}
