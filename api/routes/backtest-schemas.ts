// What the backtest routes accept and answer. The trading settings are the bot routes' schemas, so
// a backtest takes exactly what a bot takes; the replay's own fields have defaults shown in /docs.
import { z } from 'zod';
import { RANK_METRICS } from '../../backtest/sweep/rank.ts';
import {
  BACKTEST_KINDS,
  BACKTEST_SOURCES,
  backtestRequestSchema,
  cycleShape,
  DEFAULT_BACKTEST_SEED,
  DEFAULT_CYCLE_DELAY_SECONDS,
  MAX_API_SWEEP_POINTS,
  MAX_BACKTEST_DAYS,
  periodProblems,
  replayShape,
  sweepShape,
} from '../../bots/backtest-request.ts';
import { botSettingsShape, placementShape } from '../../bots/settings.ts';
import { BACKTEST_STATUSES } from '../../db/entities/index.ts';
import { MAX_ID } from '../../db/queries/index.ts';
import { idSchema, instant, listQuery, timestamp } from './audit/common.ts';
import { webUiUrl } from './audit/schemas.ts';
import { riskSettingsInput, strategyParamsInput } from './bot-schemas.ts';
import { costsBody } from './backtest-costs-schema.ts';
import { tradeStatsSchema } from './stats.ts';

/** What a bot's id stands for in a backtest: these come from the bot, so the body may not give them too. */
const BOT_SETTINGS = ['brokerAccount', 'enabledStrategies', 'strategyParams', 'riskSettings', 'lookback'] as const;

export const backtestBody = z
  .strictObject({
    symbol: placementShape.symbol.describe('A symbol the account offers, e.g. XAUUSDm'),
    from: instant.describe(
      'Start of the tested period, ISO-8601 with Z or an offset: bars opening at or after it are traded',
    ),
    to: instant.describe(`End of the period, exclusive; at most ${MAX_BACKTEST_DAYS} days after from`),
    source: z
      .enum(BACKTEST_SOURCES)
      .default('database')
      .describe(
        'database (default): the imported MT5 bars (`scalper import-bars`); synthetic: the seeded gold-like feed paper accounts trade',
      ),
    seed: replayShape.seed
      .default(DEFAULT_BACKTEST_SEED)
      .describe(
        `Seeds the synthetic feed and the slippage jitter (default ${DEFAULT_BACKTEST_SEED}, the paper feed's)`,
      ),
    botId: z
      .number()
      .int()
      .min(1)
      .max(MAX_ID)
      .optional()
      .describe(
        `Trade this bot's settings as they are now (${BOT_SETTINGS.join(', ')}) and its schedule (the cycle fields override it); then send none of those settings`,
      ),
    brokerAccount: placementShape.brokerAccount
      .optional()
      .describe('The account whose instrument spec and commission are used (default paper-1)'),
    enabledStrategies: botSettingsShape.enabledStrategies.optional().describe('Default: all four'),
    strategyParams: strategyParamsInput.optional().describe('Strategy parameters by strategy; the rest default'),
    riskSettings: riskSettingsInput.optional().describe('Risk settings; the rest default'),
    lookback: botSettingsShape.lookback
      .optional()
      .describe(
        "Fewest closed bars the strategies' window holds (it holds up to twice as many); raised to what the enabled strategies' indicators need",
      ),
    startingBalance: replayShape.startingBalance.default(10_000).describe('Account balance at from (default 10000)'),
    accountMode: replayShape.accountMode.default('hedging').describe('hedging (default) or netting'),
    leverage: replayShape.leverage.default(100).describe('Account leverage, 1:N (default 100)'),
    cycleDelaySeconds: cycleShape.cycleDelaySeconds
      .optional()
      .describe(
        `Cycles as a bar-aligned bot's: this many seconds after each bar closes (default: the bot's schedule, else ${DEFAULT_CYCLE_DELAY_SECONDS} s after each close)`,
      ),
    cycleIntervalSeconds: cycleShape.cycleIntervalSeconds
      .optional()
      .describe(
        "Cycles as an interval bot's: every this many seconds, at cycleOffsetMs past each multiple of it since 1970 (a bot's schedule: its scheduleIntervalSeconds at its phase)",
      ),
    cycleOffsetMs: cycleShape.cycleOffsetMs
      .optional()
      .describe(
        "With cycleIntervalSeconds: where in the interval the cycles run, in ms (default: the bot's phase, else 0)",
      ),
    costs: costsBody,
    sweep: sweepShape.sweep
      .optional()
      .describe(
        `Sweep settings instead of one backtest, as the CLI's --sweep: "pin_bar.maxBodyRatio=0.25:0.40:0.05" (from:to:step) or "risk.riskPerTradePct=0.5,1" (a list); every point of their product (at most ${MAX_API_SWEEP_POINTS}) is backtested and ranked by rankBy`,
      ),
    rankBy: sweepShape.rankBy.optional().describe(`With sweep: the metric points are ranked by (default netPnl)`),
    walkForward: sweepShape.walkForward
      .optional()
      .describe(
        'With sweep: folds of a walk-forward; the period is cut into folds + 1 windows and each fold optimises on one window, then trades its best point on the next',
      ),
  })
  .superRefine((body, ctx) => {
    for (const { field, message } of periodProblems(body.from, body.to))
      ctx.addIssue({ code: 'custom', path: [field], message });
    for (const field of (['rankBy', 'walkForward'] as const).filter((name) => body[name] !== undefined)) {
      if (body.sweep === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'needs sweep' });
    }
    if (body.botId === undefined) return;
    for (const field of BOT_SETTINGS.filter((name) => body[name] !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: "botId copies the bot's settings: send one or the other",
      });
    }
  })
  .describe("A backtest: the period, where the bars come from, the settings (a bot's, or given) and the replay");

export const cancelBody = z.strictObject({
  reason: z.string().trim().min(1).max(500).describe("Why: kept in the backtest's error, with the token's name"),
});

export const backtestIdParams = z.object({ id: idSchema.describe('Backtest id') });

export const backtestListQuery = listQuery({
  kind: z.enum(BACKTEST_KINDS).optional(),
  status: z.enum(BACKTEST_STATUSES).optional(),
  symbol: z.string().min(1).max(64).optional(),
});

const linksSchema = z.object({
  self: z.string(),
  report: z.string().optional().describe('A backtest: the HTML report, once completed'),
  trades: z.string().optional().describe('A backtest: the trades as CSV, once completed'),
  points: z.string().optional().describe('A sweep: every point, ranked, as CSV, once completed'),
  webUi: webUiUrl.describe("The backtest's workflow run in the Temporal Web UI"),
});

const progressSchema = z
  .union([
    z.object({ barsDone: z.number().int(), barsTotal: z.number().int() }),
    z.object({
      pointsDone: z.number().int(),
      pointsTotal: z.number().int().describe("A walk-forward's: its in-sample points and out-of-sample runs"),
    }),
  ])
  .nullable()
  .describe('Bars (a sweep: points) computed so far, written every few seconds while it runs; null before');

const kindSchema = z
  .enum(BACKTEST_KINDS)
  .describe('backtest: one run; sweep: every point of a grid, ranked; walk_forward: a sweep walked forward');

export const backtestAcceptedSchema = z.object({
  id: z.number().int(),
  kind: kindSchema,
  status: z.enum(BACKTEST_STATUSES),
  workflowId: z.string(),
  runId: z.string(),
  links: linksSchema,
});

export const backtestListItemSchema = z.object({
  id: z.number().int(),
  kind: kindSchema,
  status: z.enum(BACKTEST_STATUSES),
  symbol: z.string(),
  botId: z.number().int().nullable().describe('The bot whose settings it copied'),
  source: z.enum(BACKTEST_SOURCES),
  from: timestamp,
  to: timestamp,
  workflowId: z.string(),
  runId: z.string().nullable(),
  createdAt: timestamp,
  startedAt: timestamp.nullable(),
  finishedAt: timestamp.nullable(),
  error: z.string().nullable().describe('Why it failed'),
  progress: progressSchema,
  trades: z.number().int().nullable().describe('Trades closed; null until completed, and for a sweep'),
  netPnl: z.number().nullable(),
  finalBalance: z.number().nullable(),
  links: linksSchema,
});

const backtestStatsSchema = tradeStatsSchema.extend({
  count: z.number().int().describe('Trades closed (a position is one trade)'),
  longestLosingStreak: z.number().int().describe('Most losing trades in a row, by close time'),
  exposure: z.number().describe('Share of the cycles that ended with a position open, 0..1'),
});

const resultSchema = z
  .object({
    bars: z.number().int().describe('Bars traded: opening in [from, to)'),
    warmUpBars: z.number().int().describe('Bars before from, read only to warm the indicators up'),
    startingBalance: z.number(),
    finalBalance: z.number(),
    overall: backtestStatsSchema,
    byStrategy: z.record(z.string(), backtestStatsSchema),
    signals: z.number().int(),
    decisions: z.object({
      opened: z.number().int(),
      ignored: z.number().int(),
      ignoredBy: z
        .record(z.string(), z.number().int())
        .describe('Ignored decisions by the risk check that refused them'),
    }),
    killSwitch: z
      .object({ time: timestamp, reason: z.string() })
      .nullable()
      .describe('Set when the automatic kill-switch closed everything and stopped trading'),
    elapsedMs: z.number().describe('Time the engine took'),
    tradesStored: z.number().int().describe('Trades kept for trades.csv (the first ones, up to a cap)'),
  })
  .nullable()
  .describe("The engine's statistics and counts; null until completed");

const pointSchema = z
  .record(z.string(), z.union([z.number(), z.boolean(), z.string()]))
  .describe("The swept settings' values, by path (pin_bar.maxBodyRatio, risk.riskPerTradePct)");

const pointSummarySchema = z.object({
  point: pointSchema,
  bars: z.number().int(),
  finalBalance: z.number(),
  overall: backtestStatsSchema,
  byStrategy: z.record(z.string(), backtestStatsSchema),
  killSwitch: z.object({ time: timestamp, reason: z.string() }).nullable(),
});

/** Points shown in a sweep's detail; points.csv has them all. */
export const SWEEP_POINTS_SHOWN = 20;

const sweepResultSchema = z
  .object({
    rankBy: z.enum(RANK_METRICS),
    points: z.number().int().describe('Points run'),
    failed: z.number().int().describe('Points whose backtest failed (points.csv says why)'),
    best: z
      .array(pointSummarySchema.extend({ rank: z.number().int() }))
      .describe(`The best ${SWEEP_POINTS_SHOWN} points, best first; points.csv has every one`),
  })
  .nullable()
  .describe('A completed sweep; null otherwise');

const windowSchema = z.object({ from: timestamp, to: timestamp });

const walkForwardSchema = z
  .object({
    rankBy: z.enum(RANK_METRICS),
    folds: z.array(
      z.object({
        train: windowSchema.describe('Where the grid was optimised'),
        test: windowSchema.describe('Where its best point then traded, unseen'),
        best: pointSchema.nullable(),
        inSample: pointSummarySchema.nullable(),
        outOfSample: pointSummarySchema.nullable(),
        inSampleMetric: z.number().nullable(),
        outOfSampleMetric: z.number().nullable(),
        error: z.string().nullable(),
      }),
    ),
    overfitting: z.object({
      profitableInSample: z.number().int().describe('Folds whose best point made money in sample'),
      losingOutOfSample: z.number().int().describe('Of those, the ones that lost out of sample'),
      efficiency: z
        .number()
        .nullable()
        .describe('Out-of-sample net P&L per bar over the in-sample rate, over those folds'),
      warning: z.string().nullable().describe('Set when the folds look overfitted'),
    }),
  })
  .nullable()
  .describe('A completed walk-forward; null otherwise');

export const backtestSchema = backtestListItemSchema.extend({
  request: backtestRequestSchema.describe("The request, its defaults filled in and a bot's settings copied"),
  settings: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe("The engine's settings as it ran (the account's instrument spec resolved); null until it runs"),
  result: resultSchema,
  sweep: sweepResultSchema,
  walkForward: walkForwardSchema,
});
