import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { CLOSE_REASONS } from '../../trading/close-reason.ts';
import { ORDER_STATUSES } from '../../trading/orders/index.ts';
import { Bot } from './bot.ts';
import { Decision } from './decision.ts';

export type { OrderStatus } from '../../trading/orders/index.ts';

/**
 * Every order the engine sends, opens and closes alike: the outbox row written before the broker
 * is called, clientOrderId its idempotency key. Its status moves only through the lifecycle in
 * trading/orders/order-lifecycle.ts, applied by the order store (db/orders/).
 */
export const Order = defineEntity({
  name: 'Order',
  tableName: 'order',
  // Keyset pagination of the audit API: newest first, by bot or overall.
  indexes: [{ properties: ['createdAt', 'id'] }, { properties: ['bot', 'createdAt', 'id'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    bot: () => p.manyToOne(Bot).deleteRule('cascade'),
    decision: () => p.oneToOne(Decision).owner().unique().nullable().deleteRule('cascade'),
    clientOrderId: p.string().length(32).unique(),
    purpose: p.enum(['open', 'close'] as const).default('open'),
    /** The broker position a close order closes (its MT5 ticket); null for opens. */
    positionTicket: p.string().nullable(),
    /** Why the engine closes the position; null for opens. */
    closeReason: p.enum(CLOSE_REASONS).nullable(),
    symbol: p.string(),
    side: p.enum(['buy', 'sell'] as const),
    volume: p.decimal('number').precision(12).scale(4),
    requestedPrice: p.decimal('number').precision(18).scale(8),
    stopLoss: p.decimal('number').precision(18).scale(8).nullable(),
    takeProfit: p.decimal('number').precision(18).scale(8).nullable(),
    status: p.enum(ORDER_STATUSES).default('new'),
    brokerTicket: p.string().nullable(),
    retcode: p.integer().nullable(),
    retcodeName: p.string().nullable(),
    error: p.text().nullable(),
    attempts: p.integer().default(0),
    /** The workflow run (cycle) that wrote the order, for its Web UI link; null outside a workflow. */
    workflowId: p.string().nullable(),
    runId: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    /** The first send's claim (engine clock): the broker's history is searched from a little before it. */
    sentAt: p.datetime().nullable(),
    /**
     * The latest send: its claim, written before it goes out, then, if its answer was lost, when the
     * engine gave up waiting. The broker may still execute such a send until its lateSendMs after
     * this; until then nothing resends or cancels an open.
     */
    lastSentAt: p.datetime().nullable(),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});

export type IOrder = InferEntity<typeof Order>;
