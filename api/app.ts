// The REST API, built from its dependencies so tests can `inject` into a real instance.
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { registerAuth } from './auth.ts';
import type { ApiDeps } from './deps.ts';
import { answerFrameworkError, registerProblemHandlers } from './problems.ts';
import { recordRoutes } from './route-table.ts';
import { accountRoutes } from './routes/accounts.ts';
import { auditRoutes } from './routes/audit/index.ts';
import { backtestRoutes } from './routes/backtests.ts';
import { botRoutes } from './routes/bots.ts';
import { healthRoutes } from './routes/health.ts';
import { killSwitchRoutes } from './routes/kill-switch.ts';
import { registerMetrics } from './routes/metrics.ts';
import { statsRoutes } from './routes/stats.ts';

export async function buildApp(deps: ApiDeps) {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
    frameworkErrors: answerFrameworkError,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app);
  const routes = recordRoutes(app);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'scalper-engine API',
        version: '0.1.0',
        description:
          'Bots, their schedules and their audit trail. Every route but /health and /metrics needs a bearer token.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(async (docs) => {
    // The docs describe the API; they hold no data, so they open without a token.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs' });
  });
  await app.register(rateLimit, { global: false });
  registerAuth(app, { tokens: deps.tokens, maxFailures: deps.auth?.maxFailures ?? 20, failureWindowMs: 60_000 });
  registerMetrics(app);
  await app.register(healthRoutes(deps));
  await app.register(botRoutes(deps));
  await app.register(killSwitchRoutes(deps));
  await app.register(auditRoutes(deps));
  await app.register(statsRoutes(deps));
  await app.register(accountRoutes(deps));
  await app.register(backtestRoutes(deps));
  app.decorate('routeTable', routes);
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
