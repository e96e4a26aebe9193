import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Bot } from './bot.ts';
import { SCORE_DECIMALS } from '../../trading/strategies/scoring.ts';

/** One strategy hit on one closed bar; the unique key makes a bar unable to signal twice. */
export const Signal = defineEntity({
  name: 'Signal',
  tableName: 'signal',
  uniques: [{ name: 'signal_bot_strategy_bar_unique', properties: ['bot', 'strategy', 'barTime'] }],
  // Keyset pagination of the audit API: newest first, by bot or overall.
  indexes: [{ properties: ['receivedAt', 'id'] }, { properties: ['bot', 'receivedAt', 'id'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    bot: () => p.manyToOne(Bot).deleteRule('cascade'),
    source: p.string().default('scalper_engine'),
    strategy: p.string(),
    symbol: p.string(),
    direction: p.enum(['buy', 'sell'] as const),
    barTime: p.datetime(),
    score: p.decimal('number').precision(6).scale(SCORE_DECIMALS),
    entryPrice: p.decimal('number').precision(18).scale(8),
    stopLoss: p.decimal('number').precision(18).scale(8).nullable(),
    takeProfit: p.decimal('number').precision(18).scale(8).nullable(),
    payload: p.json<Record<string, number>>(),
    receivedAt: p.datetime().onCreate(() => new Date()),
  },
});

export type ISignal = InferEntity<typeof Signal>;
