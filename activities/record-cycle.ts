import { Bot, CycleRun, DELETED_BOTS_FILTER } from '../db/entities/index.ts';
import type { ActivityDeps } from './deps.ts';
import type { CycleRecord } from './types.ts';

/** The cycle's summary row and its one log line. Idempotent per workflow run. */
export function recordCycleActivity(deps: ActivityDeps) {
  return async function recordCycle(record: CycleRecord): Promise<void> {
    const em = deps.orm.em.fork();
    // A deleted bot's row stays (its cycles still count); a bot that never existed has nothing to record.
    const bot = await em.findOne(Bot, record.botId, { filters: { [DELETED_BOTS_FILTER]: false } });
    if (!bot) {
      deps.logger.warn(
        { botId: record.botId, workflowId: record.workflowId, ...record.counts },
        'cycle of an unknown bot: nothing recorded',
      );
      return;
    }
    const { strategies, bars, signals, decisions, orders, ordersFilled, ordersRejected, closes } = record.counts;
    const written = await em
      .createQueryBuilder(CycleRun)
      .insert({
        bot: record.botId,
        workflowId: record.workflowId,
        runId: record.runId,
        startedAt: new Date(record.startedAt),
        finishedAt: new Date(deps.now()),
        strategies,
        bars,
        signals,
        decisions,
        orders,
        ordersFilled,
        ordersRejected,
        closes,
        outcome: record.error ? `${record.outcome}: ${record.error}`.slice(0, 255) : record.outcome,
      })
      .onConflict(['runId'])
      .ignore()
      .execute('run');
    // Once per run: a retried recordCycle finds its row and counts nothing twice.
    if (written.affectedRows > 0) {
      deps.metrics.cycleDuration.observe({ outcome: record.outcome }, (deps.now() - record.startedAt) / 1000);
      if (record.outcome !== 'completed') deps.metrics.taskFailures.inc({ task: 'cycle' });
    }
    const line = `[ScalperTrade] bot=${record.botId} symbol=${bot.symbol} strategies=${strategies} signals=${signals} decisions=${decisions} orders=${orders} filled=${ordersFilled} rejected=${ordersRejected} closes=${closes}`;
    deps.logger.info(
      {
        botId: record.botId,
        workflowId: record.workflowId,
        runId: record.runId,
        outcome: record.outcome,
        ...record.counts,
      },
      line,
    );
  };
}
