// GET /bots/:id/stats and GET /bots/:id/equity: performance over closed trades. A trade is one
// closing deal, net of commission and swap (db/queries/trades.ts says how a partial close counts);
// the statistics are trading/stats.ts over those trades.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Bot } from '../../db/entities/index.ts';
import { closedTrades, type TradeRow } from '../../db/queries/index.ts';
import { performanceReport, type TradeStats } from '../../trading/stats.ts';
import type { ApiDeps } from '../deps.ts';
import { HttpProblem } from '../problems.ts';
import { decimalNumber, idParams, itemProblems, rangeShape, timestamp, toAfterFrom } from './audit/common.ts';

const statsQuery = z
  .object({
    ...rangeShape,
    startingBalance: decimalNumber(0, 1e9)
      .optional()
      .describe(
        'The account balance at `from`: drawdown % is taken against it plus closed P&L, and equity points carry ' +
          'a balance. Without it the curve starts at 0 and drawdown % is of the peak closed P&L',
      ),
  })
  .superRefine((query, ctx) => toAfterFrom(query, ctx));

const nullable = (description: string) => z.number().nullable().describe(description);

export const tradeStatsSchema = z.object({
  count: z.number().int().describe('Closed trades: closing deals (a position closed in 3 deals is 3 trades)'),
  wins: z.number().int().describe('Trades with P&L > 0; a P&L of exactly 0 is neither a win nor a loss'),
  losses: z.number().int(),
  winRate: nullable('wins / count, 0..1; null without trades'),
  grossProfit: z.number(),
  grossLoss: z.number().describe('Sum of the losing trades, as a positive number'),
  netPnl: z.number().describe('Sum of all trades, net of commission and swap'),
  profitFactor: nullable('grossProfit / grossLoss; null when there is no loss (all wins, or no trades)'),
  expectancy: nullable('Mean P&L per trade; null without trades'),
  averageWin: nullable('Mean winning P&L; null without wins'),
  averageLoss: nullable('Mean losing P&L, negative; null without losses'),
  maxDrawdown: z.number().describe('Largest fall of the equity curve from an earlier peak, in money (≥ 0)'),
  maxDrawdownPct: nullable('That fall as a percent of its peak; null while the curve never rose above 0'),
  sharpePerTrade: nullable('Mean P&L over its sample standard deviation; null below 2 trades or with no spread'),
});

const scope = {
  botId: z.number().int(),
  from: timestamp.nullable(),
  to: timestamp.nullable(),
  startingBalance: z.number().nullable(),
};

const statsSchema = z.object({
  ...scope,
  overall: tradeStatsSchema,
  byStrategy: z
    .record(z.string(), tradeStatsSchema)
    .describe("Per strategy of the opening signal ('unattributed' without one), each curve from the same balance"),
});

const equitySchema = z.object({
  ...scope,
  points: z
    .array(
      z.object({
        time: timestamp.describe('When the closing deal executed'),
        executionId: z.number().int().describe('The closing deal'),
        strategy: z.string(),
        pnl: z.number().describe("This trade's P&L, net"),
        closedPnl: z.number().describe('Cumulative closed P&L of the range up to and including this trade'),
        balance: z.number().nullable().describe('startingBalance + closedPnl; null without startingBalance'),
      }),
    )
    .describe('One point per closing deal, oldest first'),
});

type StatsQuery = z.infer<typeof statsQuery>;

// Money goes to trading/stats.ts in integer micro-units: sums of decimals are then exact, so a curve
// back at exactly 0 is 0, not a 1e-17 "peak" under which any loss is a drawdown of 10^19 %.
const MICRO = 1e6;
const toMicro = (money: number): number => Math.round(money * MICRO);
const fromMicro = <T extends number | null>(micro: T): T => (micro === null ? micro : ((micro / MICRO) as T));

function inMoney(stats: TradeStats): TradeStats {
  return {
    ...stats,
    grossProfit: fromMicro(stats.grossProfit),
    grossLoss: fromMicro(stats.grossLoss),
    netPnl: fromMicro(stats.netPnl),
    expectancy: fromMicro(stats.expectancy),
    averageWin: fromMicro(stats.averageWin),
    averageLoss: fromMicro(stats.averageLoss),
    maxDrawdown: fromMicro(stats.maxDrawdown),
  };
}

export function statsRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  /** The bot's trades in the range; a bot that does not exist (or was deleted) is a 404. */
  async function tradesOf(botId: number, query: StatsQuery): Promise<TradeRow[]> {
    const em = deps.orm.em.fork();
    if (!(await em.findOne(Bot, botId, { fields: ['id'] }))) {
      throw new HttpProblem(404, 'not-found', `bot ${botId} does not exist`);
    }
    return closedTrades(em, botId, query);
  }
  const scopeOf = (botId: number, query: StatsQuery) => ({
    botId,
    from: query.from === undefined ? null : new Date(query.from).toISOString(),
    to: query.to === undefined ? null : new Date(query.to).toISOString(),
    startingBalance: query.startingBalance ?? null,
  });

  return async (app) => {
    app.get(
      '/bots/:id/stats',
      {
        schema: {
          summary: "A bot's performance over its trades closed in [from, to), overall and per strategy",
          tags: ['stats'],
          params: idParams,
          querystring: statsQuery,
          response: { 200: statsSchema, ...itemProblems },
        },
      },
      async ({ params, query }) => {
        const trades = await tradesOf(params.id, query);
        const report = performanceReport(
          trades.map((trade) => ({ strategy: trade.strategy, pnl: toMicro(trade.pnl), closedAt: trade.closedAtMs })),
          toMicro(query.startingBalance ?? 0),
        );
        return {
          ...scopeOf(params.id, query),
          overall: inMoney(report.overall),
          byStrategy: Object.fromEntries(
            Object.entries(report.byStrategy).map(([name, stats]) => [name, inMoney(stats)]),
          ),
        };
      },
    );

    app.get(
      '/bots/:id/equity',
      {
        schema: {
          summary: "A bot's equity curve over its trades closed in [from, to), for plotting",
          tags: ['stats'],
          params: idParams,
          querystring: statsQuery,
          response: { 200: equitySchema, ...itemProblems },
        },
      },
      async ({ params, query }) => {
        const trades = await tradesOf(params.id, query);
        const start = query.startingBalance;
        return {
          ...scopeOf(params.id, query),
          points: trades.map((trade) => ({
            time: trade.closedAt,
            executionId: trade.executionId,
            strategy: trade.strategy,
            pnl: trade.pnl,
            closedPnl: trade.closedPnl,
            balance: start === undefined ? null : start + trade.closedPnl,
          })),
        };
      },
    );
  };
}
