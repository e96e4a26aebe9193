// /kill-switch: the global halt, with the CLI's guarantees (bots/kill-switch.ts): once halt answers,
// no order is sent; every running bot is paused; unhalt resumes only the bots the halt paused.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiDeps } from '../deps.ts';
import { attributed, closedPositionsSchema, haltBody, killSwitchSchema, problems, reasonBody } from './bot-schemas.ts';

const tags = ['kill-switch'];

export function killSwitchRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const { killSwitch } = deps;
  return async (app) => {
    app.get(
      '/kill-switch',
      {
        schema: {
          summary: 'Whether the global kill-switch is on, and why',
          tags,
          response: { 200: killSwitchSchema, ...problems(401) },
        },
      },
      async () => {
        const status = await killSwitch.status();
        return { ...status, updatedAt: status.updatedAt.toISOString() };
      },
    );

    app.post(
      '/kill-switch/halt',
      {
        schema: {
          summary: 'Halt every bot: no order is sent once this answers; flatten closes every position',
          tags,
          body: haltBody,
          response: {
            200: z.object({
              halted: z.literal(true),
              pausedBots: z.array(z.number().int()).describe('The bots whose schedules the halt paused'),
              flattened: z
                .array(closedPositionsSchema.omit({ orders: true }).extend({ botId: z.number().int() }))
                .describe('Per bot, with flatten: the positions closed and those the broker refused'),
              failures: z
                .array(
                  z.object({
                    botId: z.number().int(),
                    step: z.enum(['pause', 'flatten']),
                    error: z.string(),
                    untilFlat: z
                      .string()
                      .nullable()
                      .describe('The flattenBot workflow that keeps closing this bot until it is flat'),
                  }),
                )
                .describe('Bots whose pause or flatten failed; the halt went on with the others'),
            }),
            ...problems(400, 401, 403),
          },
        },
      },
      async (request) => {
        const reason = attributed(request, request.body.reason);
        const result = await killSwitch.halt(reason, { flatten: request.body.flatten ?? false });
        return {
          halted: true as const,
          pausedBots: result.pausedBots,
          flattened: result.flattened.map(({ botId, closed, failed }) => ({ botId, closed, failed })),
          failures: result.failures,
        };
      },
    );

    app.post(
      '/kill-switch/unhalt',
      {
        schema: {
          summary: 'Lift the global kill-switch and resume the bots the halt paused',
          tags,
          body: reasonBody,
          response: {
            200: z.object({
              halted: z.literal(false),
              resumedBots: z.array(z.number().int()).describe('Bots paused for other reasons stay paused'),
              failures: z
                .array(z.object({ botId: z.number().int(), error: z.string() }))
                .describe('Bots whose resume failed (Temporal unreachable): they stay paused; unhalt again'),
            }),
            ...problems(400, 401, 403),
          },
        },
      },
      async (request) => {
        const result = await killSwitch.resume(attributed(request, request.body.reason));
        return { halted: false as const, resumedBots: result.resumedBots, failures: result.failures };
      },
    );
  };
}
