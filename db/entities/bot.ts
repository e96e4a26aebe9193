import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

export const BOT_STATUSES = ['active', 'paused'] as const;
export type BotStatus = (typeof BOT_STATUSES)[number];

export const Bot = defineEntity({
  name: 'Bot',
  tableName: 'bot',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.string().unique(),
    symbol: p.string(),
    timeframe: p.string().default('1m'),
    lookback: p.integer(),
    /** What the operator asked for; whether cycles really run is the schedule's state in Temporal. */
    status: p.enum(BOT_STATUSES).default('active'),
    autoTrade: p.boolean().default(false),
    enabledStrategies: p.json<string[]>(),
    strategyParams: p.json<Record<string, unknown>>(),
    riskSettings: p.json<Record<string, unknown>>(),
    brokerAccount: p.string(),
    magic: p.integer().unique(),
    scheduleIntervalSeconds: p.integer().default(45),
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
