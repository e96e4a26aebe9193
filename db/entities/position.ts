import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Bot } from './bot.ts';
import { CLOSE_REASONS } from '../../trading/close-reason.ts';
import { Order } from './order.ts';

export { CLOSE_REASONS, type CloseReason } from '../../trading/close-reason.ts';

export const Position = defineEntity({
  name: 'Position',
  tableName: 'position',
  // Tickets are unique per broker account, not across accounts.
  uniques: [{ properties: ['brokerAccount', 'brokerPositionId'] }],
  // Keyset pagination of the audit API (newest first); the position an order opened.
  indexes: [
    { properties: ['openedAt', 'id'] },
    { properties: ['bot', 'openedAt', 'id'] },
    { properties: ['openingOrder'] },
  ],
  properties: {
    id: p.integer().primary().autoincrement(),
    bot: () => p.manyToOne(Bot).deleteRule('cascade'),
    openingOrder: () => p.manyToOne(Order).nullable().deleteRule('set null'),
    brokerAccount: p.string(),
    brokerPositionId: p.string(),
    symbol: p.string(),
    side: p.enum(['buy', 'sell'] as const),
    volume: p.decimal('number').precision(12).scale(4),
    openPrice: p.decimal('number').precision(18).scale(8),
    stopLoss: p.decimal('number').precision(18).scale(8).nullable(),
    takeProfit: p.decimal('number').precision(18).scale(8).nullable(),
    status: p.enum(['open', 'closed'] as const).default('open'),
    openedAt: p.datetime(),
    closedAt: p.datetime().nullable(),
    closePrice: p.decimal('number').precision(18).scale(8).nullable(),
    realizedPnl: p.decimal('number').precision(18).scale(4).nullable(),
    unrealizedPnl: p.decimal('number').precision(18).scale(4).nullable(),
    closeReason: p.enum(CLOSE_REASONS).nullable(),
  },
});

export type IPosition = InferEntity<typeof Position>;
