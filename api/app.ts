// The REST API, built from its dependencies so tests can `inject` into a real instance.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { ApiDeps } from './deps.ts';
import { botRoutes } from './routes/bots.ts';
import { healthRoutes } from './routes/health.ts';

export async function buildApp(deps: ApiDeps) {
  const app = Fastify({ loggerInstance: deps.logger });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'scalper-engine API',
        version: '0.1.0',
        description: 'Bots, their schedules and their audit trail',
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(healthRoutes(deps));
  await app.register(botRoutes(deps));
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
