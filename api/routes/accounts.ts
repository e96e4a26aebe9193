// /accounts: the broker accounts bots trade on, as registered with `scalper account add`. What
// each connects to is shown; a secret never is (settings only name its environment variable).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ACCOUNT_ENVIRONMENTS, ACCOUNT_KINDS, instrumentOverridesSchema } from '../../brokers/accounts.ts';
import { BrokerAccounts, configOf } from '../../db/broker-accounts.ts';
import type { IBrokerAccount } from '../../db/entities/index.ts';
import type { ApiDeps } from '../deps.ts';
import { HttpProblem } from '../problems.ts';
import { problems } from './bot-schemas.ts';

const tags = ['accounts'];

const accountSchema = z.object({
  name: z.string(),
  kind: z.enum(ACCOUNT_KINDS),
  environment: z.enum(ACCOUNT_ENVIRONMENTS),
  liveTradingEnabled: z.boolean().describe('The operator’s opt-in: a live account opens nothing without it'),
  connection: z
    .object({
      url: z.string().optional().describe('mt5-gateway: the gateway'),
      tokenEnv: z.string().optional().describe('The environment variable holding the token (never the token)'),
      accountId: z.string().optional().describe('metaapi: the MetaApi account id'),
      region: z.string().optional(),
      mode: z.enum(['hedging', 'netting']).optional().describe('paper'),
      balance: z.number().optional().describe('paper: starting balance'),
      leverage: z.number().optional().describe('paper'),
      latencyMs: z.number().optional().describe('paper: how long each call waits before it is served'),
      instruments: instrumentOverridesSchema.optional(),
      caCert: z
        .string()
        .optional()
        .describe('mt5-gateway: PEM certificates its https:// gateway is trusted by (public, not a secret)'),
      lateSendMs: z.number().optional().describe('metaapi: how long a lost open is waited on before a resend'),
    })
    .describe('What the account connects to: the kind’s settings, secrets excluded by construction'),
  createdAt: z.string(),
});

function viewOf(row: IBrokerAccount): z.infer<typeof accountSchema> {
  const { connection } = configOf(row);
  // Each kind's settings schema holds no secret, only the variable's name: all of it is shown.
  return {
    name: row.name,
    kind: row.kind,
    environment: row.environment,
    liveTradingEnabled: row.liveTradingEnabled,
    connection: connection.settings,
    createdAt: row.createdAt.toISOString(),
  };
}

export function accountRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const accounts = new BrokerAccounts(deps.orm.em);
  return async (app) => {
    app.get(
      '/accounts',
      {
        schema: {
          summary: 'Registered broker accounts (unregistered paper-… names are paper accounts with the defaults)',
          tags,
          response: { 200: z.object({ items: z.array(accountSchema) }), ...problems(401) },
        },
      },
      async () => ({ items: (await accounts.list()).map(viewOf) }),
    );

    app.get(
      '/accounts/:name',
      {
        schema: {
          summary: 'One registered broker account',
          tags,
          params: z.object({ name: z.string().min(1).max(100) }),
          response: { 200: accountSchema, ...problems(400, 401, 404) },
        },
      },
      async (request) => {
        const row = await accounts.find(request.params.name);
        if (!row) throw new HttpProblem(404, 'not-found', `no registered account named ${request.params.name}`);
        return viewOf(row);
      },
    );
  };
}
