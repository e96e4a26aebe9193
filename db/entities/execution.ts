import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Bot } from './bot.ts';
import { Order } from './order.ts';

/** A broker deal (fill); the broker's deal id makes recording it idempotent. */
export const Execution = defineEntity({
  name: 'Execution',
  tableName: 'execution',
  // Tickets are unique per broker account, not across accounts.
  uniques: [{ properties: ['brokerAccount', 'brokerDealId'] }],
  indexes: [
    // Keyset pagination of the audit API (newest first), a position's deals, an order's deals.
    { properties: ['executedAt', 'id'] },
    { properties: ['bot', 'executedAt', 'id'] },
    { properties: ['brokerAccount', 'brokerPositionId'] },
    { properties: ['order'] },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    bot: () => p.manyToOne(Bot).deleteRule('cascade'),
    order: () => p.manyToOne(Order).nullable().deleteRule('set null'),
    brokerAccount: p.string(),
    brokerDealId: p.string(),
    brokerPositionId: p.string(),
    entry: p.enum(['in', 'out', 'inout'] as const),
    side: p.enum(['buy', 'sell'] as const),
    price: p.decimal('number').precision(18).scale(8),
    volume: p.decimal('number').precision(12).scale(4),
    commission: p.decimal('number').precision(18).scale(4),
    swap: p.decimal('number').precision(18).scale(4),
    profit: p.decimal('number').precision(18).scale(4),
    reason: p.string(),
    /** The MT5 comment: our clientOrderId on entries; brokers may overwrite it on exits. */
    comment: p.string().default(''),
    executedAt: p.datetime(),
  },
});

export type IExecution = InferEntity<typeof Execution>;
