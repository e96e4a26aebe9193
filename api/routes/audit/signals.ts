// GET /signals and GET /decisions(/:id): every strategy hit, and the risk verdict with each check.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findDecision, listDecisions, listSignals } from '../../../db/queries/index.ts';
import { STRATEGY_NAMES } from '../../../trading/strategies/index.ts';
import type { ApiDeps } from '../../deps.ts';
import { HttpProblem } from '../../problems.ts';
import {
  idParams,
  itemProblems,
  listProblems,
  listQuery,
  money,
  pageOf,
  pageSchema,
  side,
  timestamp,
} from './common.ts';

export const signalSchema = z.object({
  id: z.number().int(),
  botId: z.number().int(),
  strategy: z.string(),
  symbol: z.string(),
  direction: side,
  barTime: timestamp.describe('Open time of the closed M1 bar that fired'),
  score: z.number(),
  entryPrice: money,
  stopLoss: money.nullable(),
  takeProfit: money.nullable(),
  payload: z.record(z.string(), z.number()).describe("The strategy's features on that bar"),
  receivedAt: timestamp,
});

const signalListItemSchema = signalSchema.extend({
  decisionId: z.number().int().nullable(),
  action: z.enum(['open', 'ignore']).nullable().describe('What risk decided; null while undecided'),
  decisionReason: z.string().nullable(),
});

const checkValue = z.union([z.number(), z.string(), z.boolean()]).nullable();

export const checkSchema = z.object({
  name: z.string(),
  passed: z.boolean(),
  value: checkValue.describe('What was measured'),
  limit: checkValue.describe('What it was held against'),
  reason: z.string(),
});

export const decisionSchema = z.object({
  id: z.number().int(),
  signalId: z.number().int(),
  botId: z.number().int(),
  strategy: z.string(),
  symbol: z.string(),
  direction: side,
  action: z.enum(['open', 'ignore']),
  score: z.number(),
  reason: z.string(),
  volume: z.number().describe('Lots an open would trade'),
  stopLoss: money.nullable(),
  takeProfit: money.nullable(),
  createdAt: timestamp,
  failedChecks: z.array(z.string()).describe('Names of the checks that failed, in the order they ran'),
  orderId: z.number().int().nullable(),
});

export const decisionDetailSchema = decisionSchema.extend({
  checks: z.array(checkSchema).describe('Every risk check, passed or not, in the order they ran'),
});

const strategy = z.enum(STRATEGY_NAMES).optional();
const symbol = z.string().min(1).max(64).optional();

const signalQuery = listQuery({ strategy, symbol, direction: side.optional() });

const decisionQuery = listQuery({
  strategy,
  symbol,
  direction: side.optional(),
  action: z.enum(['open', 'ignore']).optional(),
  failedCheck: z.string().min(1).max(64).optional().describe('Only decisions where this check failed, e.g. cooldown'),
});

export function signalRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/signals',
      {
        schema: {
          summary: 'Signals, newest first (by receivedAt), with what risk decided',
          tags: ['audit'],
          querystring: signalQuery,
          response: { 200: pageSchema(signalListItemSchema), ...listProblems },
        },
      },
      async ({ query }) => listSignals(deps.orm.em.fork(), query, pageOf(query)),
    );

    app.get(
      '/decisions',
      {
        schema: {
          summary: 'Risk decisions, newest first (by createdAt)',
          tags: ['audit'],
          querystring: decisionQuery,
          response: { 200: pageSchema(decisionSchema), ...listProblems },
        },
      },
      async ({ query }) => listDecisions(deps.orm.em.fork(), query, pageOf(query)),
    );

    app.get(
      '/decisions/:id',
      {
        schema: {
          summary: 'One decision with every risk check (name, passed, value, limit, reason)',
          tags: ['audit'],
          params: idParams,
          response: { 200: decisionDetailSchema, ...itemProblems },
        },
      },
      async ({ params }) => {
        const decision = await findDecision(deps.orm.em.fork(), params.id);
        if (!decision) throw new HttpProblem(404, 'not-found', `decision ${params.id} does not exist`);
        return decision;
      },
    );
  };
}
