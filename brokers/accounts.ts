// What a broker account is to the engine: its kind, whether it moves real money, and how to reach
// it. Connection settings never hold a secret: they name the environment variable that holds it,
// so the database, the API and the CLI never see one.
import { z } from 'zod';
import { caCertProblem } from './mt5-gateway/ca-cert.ts';

export const ACCOUNT_KINDS = ['paper', 'mt5-gateway', 'metaapi'] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export const ACCOUNT_ENVIRONMENTS = ['demo', 'live'] as const;
export type AccountEnvironment = (typeof ACCOUNT_ENVIRONMENTS)[number];

/** An unregistered account named `paper-…` is a paper account with the defaults: free to use. */
export const PAPER_ACCOUNT_PREFIX = 'paper-';

const envVarName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable (letters, digits, _)');

/**
 * What the broker does not say about a symbol, per symbol: its pip (there is no universal pip —
 * gold is 0.1 on most brokers, 0.01 on some), the widest spread to trade at, its correlation group,
 * and the commission per lot per side (it belongs to the account's group, not the symbol spec).
 */
const instrumentOverrideShape = {
  pipSize: z.number().positive().optional(),
  maxSpreadPoints: z.number().int().positive().optional(),
  correlationGroup: z.string().min(1).optional(),
  commissionPerLot: z.number().min(0).optional(),
};
export const INSTRUMENT_OVERRIDE_KEYS = Object.keys(
  instrumentOverrideShape,
) as (keyof typeof instrumentOverrideShape)[];
export const instrumentOverridesSchema = z.record(z.string().min(1), z.object(instrumentOverrideShape).strict());
export type InstrumentOverrides = z.infer<typeof instrumentOverridesSchema>;

/** The MetaApi SDK's own request timeout: a trade it has sent may execute until then at least. */
const METAAPI_SDK_REQUEST_MS = 60_000;

const timeoutsSchema = z
  .object({
    readMs: z.number().int().min(100).max(60_000).optional(),
    tradeMs: z.number().int().min(100).max(120_000).optional(),
  })
  .strict();

export const paperConnectionSchema = z
  .object({
    mode: z.enum(['hedging', 'netting']).default('hedging'),
    balance: z.number().positive().default(10_000),
    leverage: z.number().int().min(1).max(5000).default(100),
    latencyMs: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(0)
      .describe('How long each call waits before it is served, as a round trip to a real venue would'),
  })
  .strict();

export const mt5GatewayConnectionSchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/, error: 'must be the gateway http(s):// URL' })
      .transform((u) => u.replace(/\/+$/, '')),
    tokenEnv: envVarName,
    timeouts: timeoutsSchema.optional(),
    instruments: instrumentOverridesSchema.optional(),
    caCert: z
      .string()
      .superRefine((pem, context) => {
        const problem = caCertProblem(pem);
        if (problem !== null) context.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .describe("PEM certificates an https:// gateway is trusted by instead of the system's (its own certificate)"),
  })
  .strict()
  .superRefine((settings, context) => {
    if (settings.caCert !== undefined && /^http:/i.test(settings.url))
      context.addIssue({
        code: 'custom',
        path: ['caCert'],
        message: 'a CA certificate is for an https:// gateway: the url is plain http (trust-ca takes --url https://…)',
      });
  });

export const metaApiConnectionSchema = z
  .object({
    tokenEnv: envVarName,
    accountId: z.string().min(1),
    region: z.string().min(1).optional(),
    timeouts: timeoutsSchema.optional(),
    lateSendMs: z
      .number()
      .int()
      .min(METAAPI_SDK_REQUEST_MS)
      .max(3_600_000)
      .optional()
      .describe(
        'How long after the engine gave up on a trade MetaApi may still execute it: no open is resent or cancelled before then (120000 by default; at least the SDK request timeout, 60000)',
      ),
    instruments: instrumentOverridesSchema.optional(),
  })
  .strict();

export type PaperConnection = z.infer<typeof paperConnectionSchema>;
export type Mt5GatewayConnection = z.infer<typeof mt5GatewayConnectionSchema>;
export type MetaApiConnection = z.infer<typeof metaApiConnectionSchema>;

export type AccountConnection =
  | { kind: 'paper'; settings: PaperConnection }
  | { kind: 'mt5-gateway'; settings: Mt5GatewayConnection }
  | { kind: 'metaapi'; settings: MetaApiConnection };

const CONNECTION_SCHEMAS = {
  paper: paperConnectionSchema,
  'mt5-gateway': mt5GatewayConnectionSchema,
  metaapi: metaApiConnectionSchema,
} as const;

/** Parses a kind's connection settings; a ZodError names the offending field. */
export function parseConnection(kind: AccountKind, settings: unknown): AccountConnection {
  return { kind, settings: CONNECTION_SCHEMAS[kind].parse(settings) } as AccountConnection;
}

/** A broker account as the engine uses it. */
export interface BrokerAccountConfig {
  name: string;
  environment: AccountEnvironment;
  connection: AccountConnection;
  /** Live accounts trade only once the operator has turned this on. */
  liveTradingEnabled: boolean;
}

/** The account an unregistered `paper-…` name stands for. */
export function implicitPaperAccount(name: string): BrokerAccountConfig {
  return {
    name,
    environment: 'demo',
    connection: { kind: 'paper', settings: paperConnectionSchema.parse({}) },
    liveTradingEnabled: false,
  };
}

/** Reads the secret a connection names from the environment; a clear error when it is unset. */
export function secretFrom(env: NodeJS.ProcessEnv, variable: string, account: string): string {
  const value = env[variable];
  if (!value) throw new MissingSecretError(account, variable);
  return value;
}

export class MissingSecretError extends Error {
  override name = 'MissingSecretError';
  constructor(account: string, variable: string) {
    super(`account ${account}: the environment variable ${variable} (its token) is not set in this process`);
  }
}
