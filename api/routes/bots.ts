// /bots: create, list, read, change (optimistic concurrency by If-Match), delete, pause, resume,
// reduce, run a cycle now, close all positions. Every rule is BotService's, shared with the CLI.
import { WorkflowFailedError } from '@temporalio/client';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BotService, type BotDetail, type BotUpdate, type BotView, type NewBot } from '../../bots/service.ts';
import { killSwitchTripOf } from '../../bots/trading-state.ts';
import type { ApiDeps } from '../deps.ts';
import { HttpProblem } from '../problems.ts';
import {
  attributed,
  botDetailSchema,
  botPatchBody,
  botSchema,
  closedPositionsSchema,
  deleteQuery,
  idParams,
  ifMatchHeaders,
  newBotBody,
  problems,
  reasonBody,
  runBody,
} from './bot-schemas.ts';

const tags = ['bots'];

function tripView(bot: BotView['bot']) {
  const trip = killSwitchTripOf(bot);
  return trip && { trippedAt: trip.trippedAt.toISOString(), reason: trip.reason };
}

function summaryOf({ bot, schedule, tradingState }: BotView): z.input<typeof botSchema> {
  return {
    id: bot.id,
    name: bot.name,
    tradingState: { state: tradingState.state, reason: tradingState.reason },
    killSwitch: tripView(bot),
    status: bot.status,
    schedule,
    symbol: bot.symbol,
    timeframe: bot.timeframe,
    autoTrade: bot.autoTrade,
    enabledStrategies: bot.enabledStrategies,
    scheduleIntervalSeconds: bot.scheduleIntervalSeconds,
    barCloseDelaySeconds: bot.barCloseDelaySeconds ?? null,
    brokerAccount: bot.brokerAccount,
    magic: bot.magic,
    createdAt: bot.createdAt.toISOString(),
  };
}

function detailOf(detail: BotDetail): z.input<typeof botDetailSchema> {
  const { bot, openPositions } = detail;
  return {
    ...summaryOf(detail),
    version: bot.version,
    lookback: bot.lookback,
    strategyParams: bot.strategyParams,
    riskSettings: bot.riskSettings,
    updatedAt: bot.updatedAt.toISOString(),
    openPositions: {
      positions: openPositions.positions.map((position) => ({
        ...position,
        openedAt: position.openedAt.toISOString(),
      })),
      unrealizedPnl: openPositions.unrealizedPnl,
      asOf: openPositions.asOf?.toISOString() ?? null,
    },
  };
}

/** The version in `If-Match: "<version>"`: the ETag a read gave. */
function expectedVersion(ifMatch: string | undefined): number {
  const field = 'header.if-match';
  if (ifMatch === undefined) {
    throw new HttpProblem(428, 'version-required', 'send the version you read: If-Match: "<version>"', {
      errors: [{ field, message: 'required: the ETag of GET /bots/:id' }],
    });
  }
  const match = /^"(\d{1,10})"$/.exec(ifMatch.trim());
  if (!match) {
    throw new HttpProblem(400, 'invalid-input', `invalid ${field}: expected "<version>", e.g. "3"`, {
      errors: [{ field, message: 'expected a quoted version, e.g. "3"' }],
    });
  }
  return Number(match[1]);
}

function withEtag(reply: FastifyReply, detail: BotDetail): FastifyReply {
  return reply.header('etag', `"${detail.bot.version}"`);
}

export function botRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const bots = new BotService(deps.orm.em, deps.schedules, deps.symbols);
  return async (app) => {
    app.get(
      '/bots',
      {
        schema: {
          summary: 'List bots with their trading state',
          description:
            "Schedules come from one listing of Temporal's schedules, which trails a change by a moment; GET /bots/:id reads the schedule itself.",
          tags,
          response: { 200: z.object({ items: z.array(botSchema) }), ...problems(401) },
        },
      },
      async () => ({ items: (await bots.list()).map(summaryOf) }),
    );

    app.post(
      '/bots',
      {
        schema: {
          summary: 'Create a bot and its schedule',
          tags,
          body: newBotBody,
          response: { 201: botDetailSchema, ...problems(400, 401, 403, 409) },
        },
      },
      async (request, reply) => {
        // Validated by the body schema; the service parses it again (defaults, bounds, lookback).
        const bot = await bots.create(request.body as NewBot);
        const detail = await bots.detail(bot.id);
        return withEtag(reply, detail).code(201).header('location', `/bots/${bot.id}`).send(detailOf(detail));
      },
    );

    app.get(
      '/bots/:id',
      {
        schema: {
          summary: 'A bot: settings, trading state, schedule, open positions and unrealised P&L',
          tags,
          params: idParams,
          response: { 200: botDetailSchema, ...problems(400, 401, 404) },
        },
      },
      async (request, reply) => {
        const detail = await bots.detail(request.params.id);
        return withEtag(reply, detail).send(detailOf(detail));
      },
    );

    app.patch(
      '/bots/:id',
      {
        schema: {
          summary: "Change a bot's settings (If-Match: the version read)",
          description:
            'Optimistic concurrency: send the ETag of GET /bots/:id as If-Match. Missing: 428; another version: 409. Nothing to change: 200 with the bot as it is, nothing written.',
          tags,
          params: idParams,
          headers: ifMatchHeaders,
          body: botPatchBody,
          response: { 200: botDetailSchema, ...problems(400, 401, 403, 404, 409, 428) },
        },
      },
      async (request, reply) => {
        const version = expectedVersion(request.headers['if-match']);
        await bots.update(request.params.id, request.body as BotUpdate, version);
        const detail = await bots.detail(request.params.id);
        return withEtag(reply, detail).send(detailOf(detail));
      },
    );

    app.delete(
      '/bots/:id',
      {
        schema: {
          summary: 'Delete a flat bot: its schedule goes, its audit trail stays, its name is free',
          tags,
          params: idParams,
          querystring: deleteQuery,
          response: { 204: z.null().describe('Deleted'), ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        await bots.remove(request.params.id, attributed(request, request.query.reason ?? 'deleted through the API'));
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/bots/:id/pause',
      {
        schema: {
          summary: 'Pause: no more cycles; open positions keep their SL/TP at the broker',
          tags,
          params: idParams,
          body: reasonBody,
          response: { 200: botDetailSchema, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        await bots.pause(request.params.id, attributed(request, request.body.reason));
        const detail = await bots.detail(request.params.id);
        return withEtag(reply, detail).send(detailOf(detail));
      },
    );

    const runs = [
      ['resume', 'Resume: cycles run and may open positions'],
      ['reduce', 'Reduce: cycles run and manage positions, nothing new opens'],
    ] as const;
    for (const [action, summary] of runs) {
      app.post(
        `/bots/:id/${action}`,
        {
          schema: {
            summary,
            tags,
            params: idParams,
            body: runBody,
            response: { 200: botDetailSchema, ...problems(400, 401, 403, 404, 409) },
          },
        },
        async (request, reply) => {
          const { reason, liftKillSwitch } = request.body;
          await bots[action](request.params.id, attributed(request, reason), { liftKillSwitch });
          const detail = await bots.detail(request.params.id);
          return withEtag(reply, detail).send(detailOf(detail));
        },
      );
    }

    app.post(
      '/bots/:id/trigger',
      {
        schema: {
          summary: 'Run one cycle now, through the schedule (skipped if a cycle is running)',
          tags,
          params: idParams,
          response: {
            202: z.object({ scheduleId: z.string(), triggeredAt: z.string().describe('ISO-8601, UTC') }),
            ...problems(400, 401, 403, 404, 409),
          },
        },
      },
      async (request, reply) => {
        const view = await bots.trigger(request.params.id);
        return reply.code(202).send({ scheduleId: view.schedule.id, triggeredAt: new Date().toISOString() });
      },
    );

    app.post(
      '/bots/:id/close-all',
      {
        schema: {
          summary: "Close every position of the bot at market, as the kill-switch's flatten does",
          description:
            'Each close is an order of its own (own clientOrderId, sent exactly once). The bot is not paused: pause or reduce it first if it should open nothing more.',
          tags,
          params: idParams,
          body: reasonBody,
          response: { 200: closedPositionsSchema, ...problems(400, 401, 403, 404, 502) },
        },
      },
      async (request) => {
        const { bot } = await bots.view(request.params.id);
        try {
          return await deps.positions.closeAll(bot.id, attributed(request, request.body.reason), 'manual');
        } catch (error) {
          if (!(error instanceof WorkflowFailedError)) throw error;
          throw new HttpProblem(
            502,
            'close-failed',
            `closing bot ${bot.id}'s positions did not finish: ${error.cause?.message ?? error.message}; GET /bots/${bot.id} shows what is still open`,
          );
        }
      },
    );
  };
}
