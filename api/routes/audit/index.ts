// The audit trail, read-only: the seed's Django admin lists as cursor-paged REST resources.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiDeps } from '../../deps.ts';
import { activityRoutes } from './activity.ts';
import { orderRoutes } from './orders.ts';
import { signalRoutes } from './signals.ts';

export function auditRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(signalRoutes(deps));
    await app.register(orderRoutes(deps));
    await app.register(activityRoutes(deps));
  };
}
