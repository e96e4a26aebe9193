import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { Bot } from './bot.ts';

/** Why something happened: every skipped signal, kill-switch trip and operator action lands here. */
export const AuditLog = defineEntity({
  name: 'AuditLog',
  tableName: 'audit_log',
  // Keyset pagination of the audit API: newest first, by bot or overall.
  indexes: [{ properties: ['createdAt', 'id'] }, { properties: ['bot', 'createdAt', 'id'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    bot: () => p.manyToOne(Bot).nullable().deleteRule('set null'),
    entity: p.string(),
    entityId: p.string().nullable(),
    event: p.string(),
    reason: p.text(),
    data: p.json<Record<string, unknown>>().nullable(),
    workflowId: p.string().nullable(),
    runId: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export type IAuditLog = InferEntity<typeof AuditLog>;
