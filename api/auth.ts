// Bearer tokens on every route not marked public (`config: { public: true }`: /health, /metrics,
// the API docs). A read token may GET; anything that changes state needs a trade token. Failed
// attempts are rate limited per client address, so a token cannot be guessed by brute force.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiTokens, TokenIdentity } from '../db/api-tokens.ts';
import { HttpProblem } from './problems.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Answered without a token. */
    public?: boolean;
  }
  interface FastifyRequest {
    /** Who called, once authenticated. */
    caller?: TokenIdentity;
  }
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AuthOptions {
  tokens: ApiTokens;
  /** Failed attempts allowed per client address and window before 429. */
  maxFailures: number;
  failureWindowMs: number;
}

function bearerOf(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

/** Needs @fastify/rate-limit registered on `app` (it provides createRateLimit). */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  const countFailure = app.createRateLimit({
    max: options.maxFailures,
    timeWindow: options.failureWindowMs,
    keyGenerator: (request) => request.ip,
  });

  async function refuse(request: FastifyRequest, detail: string): Promise<never> {
    const limit = await countFailure(request);
    if (!limit.isAllowed && limit.isExceeded) {
      throw new HttpProblem(
        429,
        'too-many-failed-attempts',
        `too many failed authentications; retry in ${limit.ttlInSeconds} s`,
        {
          headers: { 'retry-after': String(limit.ttlInSeconds) },
        },
      );
    }
    throw new HttpProblem(401, 'unauthenticated', detail, {
      errors: [{ field: 'header.authorization', message: detail }],
      headers: { 'www-authenticate': 'Bearer realm="scalper-engine"' },
    });
  }

  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public) return;
    const presented = bearerOf(request);
    if (presented === null) return refuse(request, 'a bearer token is required: Authorization: Bearer <token>');
    const caller = await options.tokens.verify(presented);
    if (caller === null) return refuse(request, 'the bearer token is not valid (unknown, revoked or mistyped)');
    request.caller = caller;
    if (caller.scope === 'read' && !READ_METHODS.has(request.method)) {
      throw new HttpProblem(
        403,
        'forbidden',
        `token ${caller.name} has the read scope; this route needs a trade token`,
        {
          errors: [{ field: 'header.authorization', message: 'read scope' }],
        },
      );
    }
  });
}
