import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Bot } from './bot.ts';

/** One row per cycle workflow run: the summary behind the `[ScalperTrade]` log line. */
export const CycleRun = defineEntity({
  name: 'CycleRun',
  tableName: 'cycle_run',
  // Keyset pagination of the audit API: newest first, by bot or overall.
  indexes: [{ properties: ['startedAt', 'id'] }, { properties: ['bot', 'startedAt', 'id'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    bot: () => p.manyToOne(Bot).deleteRule('cascade'),
    workflowId: p.string(),
    runId: p.string().unique(),
    startedAt: p.datetime(),
    finishedAt: p.datetime(),
    strategies: p.integer(),
    bars: p.integer(),
    signals: p.integer(),
    decisions: p.integer(),
    /** Open orders that reached the broker in this cycle, and how many of them filled or were rejected. */
    orders: p.integer(),
    ordersFilled: p.integer().default(0),
    ordersRejected: p.integer().default(0),
    /** Close orders the engine sent in this cycle (automatic kill-switch). */
    closes: p.integer().default(0),
    outcome: p.string(),
  },
});

export type ICycleRun = InferEntity<typeof CycleRun>;
