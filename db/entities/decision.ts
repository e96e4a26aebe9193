import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Signal } from './signal.ts';
import { SCORE_DECIMALS } from '../../trading/strategies/scoring.ts';

export interface DecisionCheckRecord {
  name: string;
  passed: boolean;
  value: number | string | boolean | null;
  limit: number | string | boolean | null;
  reason: string;
}

/** The risk verdict on one signal, with every check that led to it. */
export const Decision = defineEntity({
  name: 'Decision',
  tableName: 'decision',
  // Keyset pagination of the audit API, newest first.
  indexes: [{ properties: ['createdAt', 'id'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    signal: () => p.oneToOne(Signal).owner().unique().deleteRule('cascade'),
    action: p.enum(['open', 'ignore'] as const),
    score: p.decimal('number').precision(6).scale(SCORE_DECIMALS),
    reason: p.text(),
    checks: p.json<DecisionCheckRecord[]>(),
    volume: p.decimal('number').precision(12).scale(4),
    stopLoss: p.decimal('number').precision(18).scale(8).nullable(),
    takeProfit: p.decimal('number').precision(18).scale(8).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type IDecision = InferEntity<typeof Decision>;
