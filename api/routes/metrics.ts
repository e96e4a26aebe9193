// GET /metrics: the API process's own Prometheus metrics (requests by route and status, process
// figures). The trading metrics (signals, decisions, orders, cycles) are the worker's, on its port.
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Registered on the root instance (not as an encapsulated plugin) so every request is timed. */
export function registerMetrics(app: FastifyInstance): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'API requests by method, route pattern and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    requests.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get(
    '/metrics',
    {
      config: { public: true },
      schema: { security: [], summary: 'Prometheus metrics of the API process', tags: ['metrics'] },
    },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
}
