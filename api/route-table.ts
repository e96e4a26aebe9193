// Every route the API serves, as registered: tests enumerate it so that no route, present or
// future, escapes the auth and bad-input checks.
import type { FastifyInstance, HTTPMethods } from 'fastify';

export interface RouteEntry {
  method: HTTPMethods;
  url: string;
  public: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: readonly RouteEntry[];
  }
}

export function recordRoutes(app: FastifyInstance): RouteEntry[] {
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      // Read `public` when asked: hooks of a plugin's own context may still set it after this one.
      routes.push({
        method: method as HTTPMethods,
        url: route.url,
        get public() {
          return route.config?.public === true;
        },
      });
    }
  });
  return routes;
}
