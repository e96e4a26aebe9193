import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/**
 * What the operator asked for: `active` trades, `reducing` runs cycles that manage and close
 * positions but open nothing, `paused` runs no cycles. The bot's trading state also reads the
 * schedule's real pause state in Temporal and the global kill-switch (bots/trading-state.ts).
 */
export const BOT_STATUSES = ['active', 'reducing', 'paused'] as const;
export type BotStatus = (typeof BOT_STATUSES)[number];

/** The name of the soft-delete filter, to turn it off where deleted bots matter. */
export const DELETED_BOTS_FILTER = 'notDeleted';

export const Bot = defineEntity({
  name: 'Bot',
  tableName: 'bot',
  // Deleted bots keep their audit trail but are not bots any more: every query leaves them out
  // unless it turns this filter off by name (`filters: { [DELETED_BOTS_FILTER]: false }`).
  filters: { notDeleted: { name: 'notDeleted', cond: { deletedAt: null }, default: true } },
  // A deleted bot's name is free for a new bot: unique among live bots only.
  uniques: [{ name: 'bot_name_live_unique', properties: ['name'], where: { deletedAt: null } }],
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string(),
    symbol: p.string(),
    timeframe: p.string().default('1m'),
    lookback: p.integer(),
    status: p.enum(BOT_STATUSES).default('active'),
    autoTrade: p.boolean().default(false),
    enabledStrategies: p.json<string[]>(),
    strategyParams: p.json<Record<string, unknown>>(),
    riskSettings: p.json<Record<string, unknown>>(),
    brokerAccount: p.string(),
    /** From the bot_magic sequence: unique per bot for good, deleted bots' included. */
    magic: p.integer().unique(),
    scheduleIntervalSeconds: p.integer().default(45),
    /** Cycles this many seconds after each M1 bar closes instead of every scheduleIntervalSeconds. */
    barCloseDelaySeconds: p.integer().nullable(),
    /**
     * When the bot's positions and orders were last reconciled with a real broker after a worker
     * start (null: not yet since the last start; a bot on a real account opens nothing until then).
     */
    startupReconciledAt: p.datetime().nullable(),
    /** Why the last start-up reconciliation failed; null once one succeeds. */
    startupReconcileError: p.text().nullable(),
    /**
     * When the automatic kill-switch last tripped, and why: set with its pause, cleared only by a
     * resume or reduce that asks to lift it. While set nothing opens, whatever the schedule says (a
     * pause from a terminal may have replaced the trip's note, an unpause lifted it).
     */
    killSwitchTrippedAt: p.datetime().nullable(),
    killSwitchReason: p.text().nullable(),
    /** Deleted bots keep their audit trail; their schedule is gone and their magic stays reserved. */
    deletedAt: p.datetime().nullable(),
    version: p.integer().version(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type IBot = InferEntity<typeof Bot>;
