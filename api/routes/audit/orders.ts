// GET /orders(/:id), /executions, /positions: what the engine sent, what the broker filled, what
// it holds. An order's detail links the cycle that wrote it in the Temporal Web UI.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CLOSE_REASONS } from '../../../db/entities/index.ts';
import { findOrder, listExecutions, listOrders, listPositions, MAX_ID } from '../../../db/queries/index.ts';
import { ORDER_STATUSES } from '../../../trading/orders/index.ts';
import { STRATEGY_NAMES } from '../../../trading/strategies/index.ts';
import type { ApiDeps } from '../../deps.ts';
import { HttpProblem } from '../../problems.ts';
import { withWebUiUrl } from '../../web-ui.ts';
import {
  idParams,
  idSchema,
  itemProblems,
  listProblems,
  listQuery,
  pageOf,
  pageSchema,
  side,
  wholeNumber,
} from './common.ts';
import { executionSchema, orderSchema, positionSchema } from './schemas.ts';
import { decisionDetailSchema, signalSchema } from './signals.ts';

const orderDetailSchema = orderSchema.extend({
  decision: decisionDetailSchema.nullable().describe('The decision an open carries out; null for closes'),
  signal: signalSchema.nullable(),
  executions: z.array(executionSchema).describe("The order's deals, oldest first"),
  position: positionSchema.nullable().describe('The position it opened or closes, once recorded'),
});

const symbol = z.string().min(1).max(64).optional();
const strategy = z.enum(STRATEGY_NAMES).optional();

const orderQuery = listQuery({
  status: z.enum(ORDER_STATUSES).optional(),
  purpose: z.enum(['open', 'close']).optional(),
  side: side.optional(),
  symbol,
  strategy,
  retcode: wholeNumber(0, MAX_ID).optional().describe('MT5 retcode, e.g. 10019'),
  clientOrderId: z.string().min(1).max(32).optional().describe('The MT5 comment, e.g. se1-2s'),
});

const executionQuery = listQuery({
  orderId: idSchema.optional(),
  brokerPositionId: z.string().min(1).max(64).optional().describe("The position's MT5 ticket"),
  entry: z.enum(['in', 'out', 'inout']).optional(),
  side: side.optional(),
});

const positionQuery = listQuery({
  status: z.enum(['open', 'closed']).optional(),
  side: side.optional(),
  symbol,
  strategy,
  closeReason: z.enum(CLOSE_REASONS).optional(),
});

export function orderRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const link = <T extends { workflowId: string | null; runId: string | null }>(row: T) => withWebUiUrl(deps.webUi, row);
  return async (app) => {
    app.get(
      '/orders',
      {
        schema: {
          summary: 'Orders, opens and closes, newest first (by createdAt)',
          tags: ['audit'],
          querystring: orderQuery,
          response: { 200: pageSchema(orderSchema), ...listProblems },
        },
      },
      async ({ query }) => {
        const page = await listOrders(deps.orm.em.fork(), query, pageOf(query));
        return { ...page, items: page.items.map(link) };
      },
    );

    app.get(
      '/orders/:id',
      {
        schema: {
          summary: 'One order with its decision, signal, executions, position and Web UI link',
          tags: ['audit'],
          params: idParams,
          response: { 200: orderDetailSchema, ...itemProblems },
        },
      },
      async ({ params }) => {
        const order = await findOrder(deps.orm.em.fork(), params.id);
        if (!order) throw new HttpProblem(404, 'not-found', `order ${params.id} does not exist`);
        return link(order);
      },
    );

    app.get(
      '/executions',
      {
        schema: {
          summary: 'Broker deals, newest first (by executedAt)',
          tags: ['audit'],
          querystring: executionQuery,
          response: { 200: pageSchema(executionSchema), ...listProblems },
        },
      },
      async ({ query }) => listExecutions(deps.orm.em.fork(), query, pageOf(query)),
    );

    app.get(
      '/positions',
      {
        schema: {
          summary: 'Positions, newest first (by openedAt)',
          tags: ['audit'],
          querystring: positionQuery,
          response: { 200: pageSchema(positionSchema), ...listProblems },
        },
      },
      async ({ query }) => listPositions(deps.orm.em.fork(), query, pageOf(query)),
    );
  };
}
