// /backtests: ask for one (it runs as a Temporal workflow on the worker, durable and visible in the
// Web UI), follow it, read its statistics, its HTML report and its trades; list them.
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sweepCsv, sweptPaths } from '../../backtest/sweep/ranking.ts';
import { backtestKind, type BacktestKind } from '../../bots/backtest-request.ts';
import { BacktestService, type BacktestInput } from '../../bots/backtests.ts';
import { BacktestRecords } from '../../db/backtests.ts';
import type { IBacktest } from '../../db/entities/index.ts';
import { listBacktests } from '../../db/queries/backtests.ts';
import type { ApiDeps } from '../deps.ts';
import { HttpProblem } from '../problems.ts';
import { listProblems, pageOf, pageSchema } from './audit/common.ts';
import {
  backtestAcceptedSchema,
  backtestBody,
  backtestIdParams,
  backtestListItemSchema,
  backtestListQuery,
  backtestSchema,
  cancelBody,
} from './backtest-schemas.ts';
import { tradesCsv } from '../../backtest/trades-csv.ts';
import { detailOf, linksOf, listItemOf, requestOf, SERVED } from './backtest-views.ts';
import { attributed, problems } from './bot-schemas.ts';

const tags = ['backtests'];

// The report is our own page, self-contained: it may run its inline scripts and load nothing.
const REPORT_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; form-action 'none'";

/** Unfinished backtests of a listed page whose runs are asked about at once. */
const SETTLE_BATCH = 8;

/** A CSV download of one backtest: the text, or why not (no such backtest, not completed). */
const csvSchema = (summary: string) => ({
  summary,
  tags,
  params: backtestIdParams,
  produces: ['text/csv'],
  response: { 200: z.string().describe('text/csv, a header row first'), ...problems(400, 401, 404, 409) },
});

function sendCsv(reply: FastifyReply, filename: string, text: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(text);
}

export function backtestRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const backtests = new BacktestService(deps.orm.em, deps.backtests, deps.symbols);
  const records = new BacktestRecords(deps.orm.em);

  /**
   * 'settled' when an unfinished row was just marked failed, its workflow's run having ended
   * without it (settleEnded). Temporal out of reach only leaves the row as stored: it is logged,
   * and the request is still answered.
   */
  async function settledNow(
    row: Parameters<BacktestService['settleEnded']>[0],
    log: FastifyBaseLogger,
  ): Promise<'settled' | 'unchanged' | 'unreachable'> {
    try {
      return (await backtests.settleEnded(row)) ? 'settled' : 'unchanged';
    } catch (error) {
      log.warn(
        { err: error, backtestId: row.id, workflowId: row.workflowId },
        'could not ask Temporal how a backtest run is',
      );
      return 'unreachable';
    }
  }

  /** The row, its status first brought up to date with its workflow's run. */
  async function found(
    id: number,
    log: FastifyBaseLogger,
    column?: 'trades' | 'reportHtml' | 'sweepRanking',
  ): Promise<IBacktest> {
    const read = () => (column ? records.findWith(id, column) : records.find(id));
    const row = await read();
    if (!row) throw new HttpProblem(404, 'not-found', `backtest ${id} does not exist`);
    return (await settledNow(row, log)) === 'settled' ? (await read())! : row;
  }

  /** A report or trades exist for a backtest of that kind once it completed: else, say what there is. */
  function requireCompleted(row: IBacktest, kind: BacktestKind, what: string): void {
    const rowKind = backtestKind(requestOf(row));
    if (rowKind !== kind) {
      const detail = `backtest ${row.id} is a ${rowKind.replace('_', '-')}, which has no ${what}: it serves ${SERVED[rowKind]}`;
      throw new HttpProblem(409, 'backtest-kind', detail);
    }
    if (row.status === 'completed') return;
    const detail =
      row.status === 'failed'
        ? `backtest ${row.id} failed, so it has no ${what}: ${row.error ?? 'no reason recorded'}`
        : `backtest ${row.id} is ${row.status}: its ${what} is there once it completed`;
    throw new HttpProblem(409, 'backtest-not-completed', detail);
  }

  return async (app) => {
    app.post(
      '/backtests',
      {
        schema: {
          summary: 'Run a backtest, a sweep or a walk-forward (a Temporal workflow on the worker)',
          description:
            "Answers 202 at once; GET the self link until status is completed or failed. The settings are a bot's (botId) or given, validated as a bot's are; with sweep, every point of the grid runs and is ranked by rankBy.",
          tags,
          body: backtestBody,
          response: { 202: backtestAcceptedSchema, ...problems(400, 401, 403, 503) },
        },
      },
      async (request, reply) => {
        // Validated by the body schema; the service checks the rest (the bot, the symbol, the bars).
        const row = await backtests.submit(request.body as BacktestInput);
        const kind = backtestKind(requestOf(row));
        const links = linksOf(deps.webUi, row, kind);
        return reply
          .code(202)
          .header('location', links.self)
          .send({ id: row.id, kind, status: row.status, workflowId: row.workflowId, runId: row.runId!, links });
      },
    );

    app.get(
      '/backtests',
      {
        schema: {
          summary: 'Backtests, newest first (by createdAt), with their headline figures',
          tags,
          querystring: backtestListQuery,
          response: { 200: pageSchema(backtestListItemSchema), ...listProblems },
        },
      },
      async ({ query, log }) => {
        const read = () => listBacktests(deps.orm.em.fork(), query, pageOf(query));
        const page = await read();
        // A few Temporal calls at a time: a page may hold hundreds of backtests waiting their turn.
        // Once Temporal is out of reach the rest are served as stored, not each asked in vain.
        let settled = false;
        for (let i = 0; i < page.items.length; i += SETTLE_BATCH) {
          const batch = page.items.slice(i, i + SETTLE_BATCH);
          const answers = await Promise.all(batch.map((row) => settledNow(row, log)));
          if (answers.includes('settled')) settled = true;
          if (answers.includes('unreachable')) break;
        }
        const current = settled ? await read() : page;
        return { ...current, items: current.items.map((item) => listItemOf(deps.webUi, item)) };
      },
    );

    app.get(
      '/backtests/:id',
      {
        schema: {
          summary: 'A backtest: status, progress, the request and settings, statistics overall and per strategy',
          tags,
          params: backtestIdParams,
          response: { 200: backtestSchema, ...problems(400, 401, 404) },
        },
      },
      async ({ params, log }) => detailOf(deps.webUi, await found(params.id, log, 'sweepRanking')),
    );

    app.get(
      '/backtests/:id/report',
      {
        schema: {
          summary: 'The HTML report of a completed backtest (409 before)',
          tags,
          params: backtestIdParams,
          produces: ['text/html'],
          response: {
            200: z.string().describe('One self-contained HTML page (text/html)'),
            ...problems(400, 401, 404, 409),
          },
        },
      },
      async ({ params, log }, reply) => {
        const row = await found(params.id, log, 'reportHtml');
        requireCompleted(row, 'backtest', 'report');
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', REPORT_POLICY)
          .send(row.reportHtml ?? '');
      },
    );

    app.get(
      '/backtests/:id/trades.csv',
      { schema: csvSchema("A completed backtest's trades as CSV, oldest first (409 before)") },
      async ({ params, log }, reply) => {
        const row = await found(params.id, log, 'trades');
        requireCompleted(row, 'backtest', 'trades');
        return sendCsv(reply, `backtest-${row.id}-trades.csv`, tradesCsv(row.trades ?? []));
      },
    );

    app.get(
      '/backtests/:id/points.csv',
      {
        schema: csvSchema(
          "A completed sweep's points as CSV: ranked ones first, failed ones after with why (409 before)",
        ),
      },
      async ({ params, log }, reply) => {
        const row = await found(params.id, log, 'sweepRanking');
        requireCompleted(row, 'sweep', 'points');
        const ranking = row.sweepRanking ?? { ranked: [], failed: [] };
        return sendCsv(reply, `backtest-${row.id}-points.csv`, sweepCsv(ranking, sweptPaths(ranking)));
      },
    );

    app.post(
      '/backtests/:id/cancel',
      {
        schema: {
          summary: 'Stop a queued or running backtest or sweep (its workflow marks it failed, saying why)',
          description:
            'Waits for the run to stop (its computation hears of it within about 5 s): 200 with the backtest failed, error "cancelled: <reason> (by <token>)". 202 when it takes longer than 12 s (its worker down, say): the request is kept in the history of its workflow and the backtest shows failed once a worker stops it. 409 when it ended first, completed or failed.',
          tags,
          params: backtestIdParams,
          body: cancelBody,
          response: { 200: backtestSchema, 202: backtestSchema, ...problems(400, 401, 403, 404, 409) },
        },
      },
      async (request, reply) => {
        const row = await found(request.params.id, request.log);
        const answer = await backtests.cancel(row, attributed(request, request.body.reason));
        const now = await found(row.id, request.log, 'sweepRanking');
        if (answer === 'ended') {
          throw new HttpProblem(409, 'backtest-ended', `backtest ${row.id} already ${now.status}: nothing to cancel`);
        }
        return reply.code(answer === 'cancelled' ? 200 : 202).send(detailOf(deps.webUi, now));
      },
    );
  };
}
