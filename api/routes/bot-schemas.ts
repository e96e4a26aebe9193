// What the bot and kill-switch routes accept and answer: the schemas validate requests and
// responses and are the OpenAPI document at /docs. Settings come from the schemas the service
// validates with, so the documented bounds and defaults are the enforced ones.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { botSettingsShape, placementShape } from '../../bots/settings.ts';
import { BOT_STATUSES } from '../../db/entities/index.ts';
import { riskSettingsSchema } from '../../trading/risk/index.ts';
import { STRATEGY_NAMES, strategyParamsSchema } from '../../trading/strategies/index.ts';
import { TRADING_STATES } from '../../trading/trading-state.ts';
import { problemSchema } from '../problems.ts';
import { idSchema } from './audit/common.ts';

/** A settings object as a client sends it: every field optional, no default filled in, unknown names refused. */
function settingsInput(schema: z.ZodObject): z.ZodObject {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([name, field]) => {
      const bare =
        field instanceof z.ZodDefault || field instanceof z.ZodPrefault ? (field.unwrap() as z.ZodType) : field;
      const description = field.description ?? bare.description;
      const optional = bare.optional();
      return [name, description ? optional.describe(description) : optional];
    }),
  );
  return z.strictObject(shape);
}

export const strategyParamsInput = z
  .strictObject(
    Object.fromEntries(
      STRATEGY_NAMES.map((name) => [
        name,
        settingsInput(strategyParamsSchema.shape[name].unwrap() as z.ZodObject).optional(),
      ]),
    ),
  )
  .describe("Strategy parameters by strategy; a change is merged into the bot's current ones");
export const riskSettingsInput = settingsInput(riskSettingsSchema).describe(
  "Risk settings; a change is merged into the bot's current ones",
);

const settingsShape = {
  autoTrade: botSettingsShape.autoTrade.describe('Send orders for decisions that pass the risk checks (default false)'),
  enabledStrategies: botSettingsShape.enabledStrategies.describe('Default: all four'),
  strategyParams: strategyParamsInput,
  riskSettings: riskSettingsInput,
  scheduleIntervalSeconds: botSettingsShape.scheduleIntervalSeconds.describe('Seconds between cycles (default 45)'),
  barCloseDelaySeconds: botSettingsShape.barCloseDelaySeconds.describe(
    'Cycle this many seconds after each M1 bar closes instead of every scheduleIntervalSeconds; null (default): the interval',
  ),
  lookback: botSettingsShape.lookback.describe(
    "Fewest closed bars the strategies' window holds (it holds up to twice as many); raised to what the enabled strategies' indicators need",
  ),
};

const described = {
  name: placementShape.name.describe('Unique among live bots (a deleted bot frees its name)'),
  symbol: placementShape.symbol.describe('A symbol the broker account offers, e.g. XAUUSDm'),
  brokerAccount: placementShape.brokerAccount.describe(
    'Broker account login; paper accounts: paper-… (default paper-1)',
  ),
};

export const newBotBody = z
  .strictObject({
    ...described,
    brokerAccount: described.brokerAccount.optional(),
    ...z.object(settingsShape).partial().shape,
    paused: z.boolean().optional().describe('Create it with its schedule paused (default false)'),
  })
  .describe('A new bot: what `scalper setup-bot` and `scalper configure` take');

export const botPatchBody = z
  .strictObject({ ...described, ...settingsShape })
  .partial()
  .describe(
    'The settings to change; the others stay. A new symbol or broker account needs the bot flat. Nothing to change: 200, nothing written',
  );

export const idParams = z.object({ id: idSchema.describe('Bot id') });

export const ifMatchHeaders = z.object({
  'if-match': z
    .string()
    .optional()
    .describe('Required: the version read, as the ETag of GET /bots/:id gives it ("7"); another version → 409'),
});

/** A reason as the audit log keeps it: with the name of the token that gave it. */
export const attributed = (request: FastifyRequest, reason: string): string =>
  `${reason} (by ${request.caller?.name ?? 'unknown'})`;

export const reasonBody = z.strictObject({
  reason: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .describe('Why: kept in the audit log (with the token name) and on the schedule'),
});

/** A resume's or a reduce's body: the automatic kill-switch's pause is lifted only when asked. */
export const runBody = reasonBody.extend({
  liftKillSwitch: z
    .boolean()
    .default(false)
    .describe(
      'Lift a pause of the automatic kill-switch too (after looking at why it tripped; its flatten then ends); without it such a pause stays and the answer is 409',
    ),
});

export const deleteQuery = z.object({
  reason: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .optional()
    .describe('Why: kept in the audit log (default: deleted through the API)'),
});

const timestamp = z.string().describe('ISO-8601, UTC');

const tradingStateSchema = z
  .object({ state: z.enum(TRADING_STATES), reason: z.string() })
  .describe(
    "What the bot does now: the operator's intent, the schedule in Temporal and the global kill-switch together",
  );

const scheduleSchema = z
  .object({
    id: z.string(),
    exists: z.boolean(),
    paused: z.boolean().describe('What Temporal says: a bot paused from the terminal reads true'),
    note: z.string().nullable(),
  })
  .describe("The bot's Temporal Schedule");

const killSwitchTripSchema = z
  .object({ trippedAt: timestamp, reason: z.string() })
  .nullable()
  .describe(
    'The automatic kill-switch\'s last trip, until a resume or reduce with "liftKillSwitch": true lifts it; nothing opens meanwhile',
  );

export const botSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  tradingState: tradingStateSchema,
  killSwitch: killSwitchTripSchema,
  status: z.enum(BOT_STATUSES).describe('What the operator asked for; tradingState says what happens'),
  schedule: scheduleSchema,
  symbol: z.string(),
  timeframe: z.string(),
  autoTrade: z.boolean(),
  enabledStrategies: z.array(z.string()),
  scheduleIntervalSeconds: z.number().int(),
  barCloseDelaySeconds: z.number().int().nullable().describe('Set: cycles on bar closes, the interval unused'),
  brokerAccount: z.string(),
  magic: z.number().int(),
  createdAt: timestamp,
});

const positionSchema = z.object({
  ticket: z.string().describe("The position's MT5 ticket"),
  symbol: z.string(),
  side: z.enum(['buy', 'sell']),
  volume: z.number(),
  openPrice: z.number(),
  stopLoss: z.number().nullable(),
  takeProfit: z.number().nullable(),
  openedAt: timestamp,
  unrealizedPnl: z.number().nullable().describe("Profit + swap in the account's currency at the last reconcile"),
});

export const botDetailSchema = botSchema.extend({
  version: z.number().int().describe('Send it back as If-Match to change the bot (also the ETag header)'),
  lookback: z.number().int(),
  strategyParams: strategyParamsSchema,
  riskSettings: riskSettingsSchema,
  updatedAt: timestamp,
  openPositions: z
    .object({
      positions: z.array(positionSchema),
      unrealizedPnl: z.number().describe('Sum over the open positions'),
      asOf: timestamp.nullable().describe('End of the last cycle, whose reconcile recorded the figures'),
    })
    .describe(
      "The engine's record of the bot's open positions (position rows, rewritten from the broker by every reconcile); the API holds no broker connection",
    ),
});

export const closedPositionsSchema = z.object({
  closed: z.array(z.string()).describe('Tickets closed'),
  failed: z
    .array(
      z.object({
        ticket: z.string(),
        retcode: z.number().int().nullable(),
        retcodeName: z.string().nullable(),
        status: z.string(),
      }),
    )
    .describe('Tickets the broker refused to close: still open, they need a human'),
  orders: z
    .array(
      z.object({
        clientOrderId: z.string(),
        symbol: z.string(),
        side: z.enum(['buy', 'sell']),
        volume: z.number(),
        price: z.number().describe('The quote the close was sent at'),
        status: z.string(),
        retcode: z.number().int().nullable(),
        retcodeName: z.string().nullable(),
        brokerTicket: z.string().nullable(),
        error: z.string().nullable(),
      }),
    )
    .describe('The close orders, one per position, each with its own clientOrderId'),
});

export const killSwitchSchema = z.object({
  halted: z.boolean(),
  reason: z.string().nullable(),
  updatedAt: timestamp,
});

export const haltBody = z.strictObject({
  reason: reasonBody.shape.reason,
  flatten: z.boolean().optional().describe('Also close every open position at market (default false)'),
});

/** The problem documents a route may answer with, by status. */
export function problems<const S extends number>(...statuses: S[]): Record<S, typeof problemSchema> {
  return Object.fromEntries(statuses.map((status) => [status, problemSchema])) as Record<S, typeof problemSchema>;
}
