// GET /audit and GET /cycles: why things happened, and one summary per cycle workflow run.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAuditLog, listCycles } from '../../../db/queries/index.ts';
import type { ApiDeps } from '../../deps.ts';
import { withWebUiUrl } from '../../web-ui.ts';
import { listProblems, listQuery, pageOf, pageSchema, timestamp } from './common.ts';
import { webUiUrl } from './schemas.ts';

const auditSchema = z.object({
  id: z.number().int(),
  botId: z.number().int().nullable(),
  entity: z.string().describe('signal, order, position, bot, engine …'),
  entityId: z.string().nullable(),
  event: z.string().describe('signal_skipped, order_placed, order_rejected, kill_switch …'),
  reason: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
  workflowId: z.string().nullable().describe('The cycle (or other workflow) that wrote it'),
  runId: z.string().nullable(),
  webUiUrl,
  createdAt: timestamp,
});

const cycleSchema = z.object({
  id: z.number().int(),
  botId: z.number().int(),
  workflowId: z.string(),
  runId: z.string(),
  webUiUrl,
  startedAt: timestamp,
  finishedAt: timestamp,
  strategies: z.number().int(),
  bars: z.number().int(),
  signals: z.number().int(),
  decisions: z.number().int().describe('Decisions to open'),
  orders: z.number().int().describe('Open orders that reached the broker'),
  ordersFilled: z.number().int(),
  ordersRejected: z.number().int(),
  closes: z.number().int().describe('Close orders the kill-switch sent'),
  outcome: z.string().describe('completed, failed, or timed_out (cut at its deadline: see error)'),
  error: z.string().nullable().describe('What failed, for a failed cycle'),
});

const text = z.string().min(1).max(255).optional();

const auditQuery = listQuery({
  entity: text,
  entityId: text.describe('e.g. a clientOrderId, or a signal id'),
  event: text,
  workflowId: text,
});

const cycleQuery = listQuery({ outcome: z.enum(['completed', 'failed', 'timed_out']).optional() });

export function activityRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const link = <T extends { workflowId: string | null; runId: string | null }>(row: T) => withWebUiUrl(deps.webUi, row);
  return async (app) => {
    app.get(
      '/audit',
      {
        schema: {
          summary: 'The audit log, newest first: skipped signals, orders, kill-switch trips, operator actions',
          tags: ['audit'],
          querystring: auditQuery,
          response: { 200: pageSchema(auditSchema), ...listProblems },
        },
      },
      async ({ query }) => {
        const page = await listAuditLog(deps.orm.em.fork(), query, pageOf(query));
        return { ...page, items: page.items.map(link) };
      },
    );

    app.get(
      '/cycles',
      {
        schema: {
          summary: 'Cycle workflow runs, newest first (by startedAt), with their counts',
          tags: ['audit'],
          querystring: cycleQuery,
          response: { 200: pageSchema(cycleSchema), ...listProblems },
        },
      },
      async ({ query }) => {
        const page = await listCycles(deps.orm.em.fork(), query, pageOf(query));
        return { ...page, items: page.items.map(link) };
      },
    );
  };
}
