import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';

const checkSchema = z.object({ status: z.enum(['ok', 'failing']), error: z.string().optional() });
const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  checks: z.object({ database: checkSchema, temporal: checkSchema }),
});

async function probe(check: () => Promise<unknown>): Promise<z.infer<typeof checkSchema>> {
  try {
    await check();
    return { status: 'ok' };
  } catch (error) {
    return { status: 'failing', error: error instanceof Error ? error.message : String(error) };
  }
}

export function healthRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/health',
      {
        schema: {
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
