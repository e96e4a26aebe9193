import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';

const checkSchema = z.object({ status: z.enum(['ok', 'failing']), error: z.string().optional() });
const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({ database: checkSchema, temporal: checkSchema }),
});

/** A probe that has not answered by then counts as failing: a health check must answer fast. */
export const PROBE_TIMEOUT_MS = 2_000;

async function probe(check: () => Promise<unknown>): Promise<z.infer<typeof checkSchema>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return { status: 'ok' };
  } catch (error) {
    return { status: 'failing', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/health',
      {
        config: { public: true },
        schema: {
          security: [],
          summary: 'Whether the API reaches PostgreSQL and Temporal',
          tags: ['health'],
          response: { 200: healthSchema, 503: healthSchema },
        },
      },
      async (_request, reply) => {
        const [database, temporal] = await Promise.all([
          probe(() => deps.orm.em.fork().getConnection().execute('select 1')),
          probe(() => deps.temporal.checkHealth()),
        ]);
        const healthy = database.status === 'ok' && temporal.status === 'ok';
        return reply
          .code(healthy ? 200 : 503)
          .send({ status: healthy ? 'ok' : 'degraded', checks: { database, temporal } });
      },
    );
  };
}
