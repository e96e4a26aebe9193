// What a backtest runs: the request as stored, its defaults filled in and a bot's settings copied,
// so that the row alone says how to run it again. The API's body schema is built from these fields.
import { z } from 'zod';
import type { CycleSchedule } from '../backtest/cycle-schedule.ts';
import { RANK_METRICS } from '../backtest/sweep/rank.ts';
import { STOPS_PRIORITIES } from '../brokers/paper/stops.ts';
import { riskSettingsSchema } from '../trading/risk/index.ts';
import { strategyParamsSchema } from '../trading/strategies/index.ts';
import { botSettingsShape, placementShape } from './settings.ts';

export const BACKTEST_SOURCES = ['database', 'synthetic'] as const;
export type BacktestSource = (typeof BACKTEST_SOURCES)[number];

/** Longest period one backtest covers: two years of M1 bars, about a million. */
export const MAX_BACKTEST_DAYS = 731;

const DAY_MS = 86_400_000;

/** The paper feed's default seed (PAPER_FEED_SEED), so a synthetic backtest replays the paper market. */
export const DEFAULT_BACKTEST_SEED = 42;

/** The cycle delay of a backtest given no bot and no schedule: a bar-aligned bot's, 2 s after each close. */
export const DEFAULT_CYCLE_DELAY_SECONDS = 2;

/** The cycles of a backtest given no bot and no schedule. */
export const DEFAULT_CYCLE_SCHEDULE: CycleSchedule = { kind: 'bar_close', delaySeconds: DEFAULT_CYCLE_DELAY_SECONDS };

/**
 * When the backtested cycles run: a bar-aligned bot's delay after each close, or an interval bot's
 * interval and offset (its phase; bots/cycle-timing.ts). A request holds one or the other.
 */
export const cycleShape = {
  cycleDelaySeconds: z.number().int().min(0).max(59),
  cycleIntervalSeconds: botSettingsShape.scheduleIntervalSeconds,
  cycleOffsetMs: z.number().int().min(0).max(3_600_000),
};

/** How the market is replayed; each has a default (the API's body schema shows them). */
export const replayShape = {
  startingBalance: z.number().positive().max(1e9),
  accountMode: z.enum(['hedging', 'netting']),
  leverage: z.number().int().min(1).max(5000),
  seed: z.number().int().min(0).max(2_147_483_647),
};

export const costsShape = {
  spreadPoints: z.number().int().min(0).max(100_000).nullable(),
  commissionPerLot: z.number().min(0).max(10_000).nullable(),
  slippagePoints: z.number().min(0).max(100_000),
  slippageJitterPoints: z.number().min(0).max(100_000),
  // A request stored before the option existed reads as the MT5 path it ran on.
  stopsPriority: z.enum(STOPS_PRIORITIES).default('ohlc_path'),
};

/**
 * Most points a sweep asked for through the API may run: the worker computes it beside the bots'
 * cycles, on the cores they leave (a year of M1 bars is ~1 s a point per thread).
 */
export const MAX_API_SWEEP_POINTS = 1_000;

export const MAX_WALK_FORWARD_FOLDS = 12;

/** A sweep over the settings instead of one backtest; each can be null/absent. */
export const sweepShape = {
  /** Specs as the CLI's --sweep takes them: `pin_bar.maxBodyRatio=0.25:0.40:0.05`, `risk.riskPerTradePct=0.5,1`. */
  sweep: z.array(z.string().min(1).max(300)).min(1).max(8),
  rankBy: z.enum(RANK_METRICS),
  /** Folds: the period is cut into folds + 1 windows; each fold optimises on one and tests on the next. */
  walkForward: z.number().int().min(1).max(MAX_WALK_FORWARD_FOLDS),
};

export const backtestRequestSchema = z
  .object({
    symbol: placementShape.symbol,
    /** ISO-8601 UTC; bars opening in [from, to) are traded. */
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    source: z.enum(BACKTEST_SOURCES),
    /** The bot whose settings these are; null when the request gave them. */
    botId: z.number().int().nullable(),
    /** Whose instrument spec (and default commission) the backtest trades with. */
    brokerAccount: placementShape.brokerAccount,
    enabledStrategies: botSettingsShape.enabledStrategies,
    strategyParams: strategyParamsSchema,
    riskSettings: riskSettingsSchema,
    /** Raised to what the strategies need (lookbackFor), as a bot's is. */
    lookback: botSettingsShape.lookback,
    ...replayShape,
    /** Null when the cycles run on an interval. */
    cycleDelaySeconds: cycleShape.cycleDelaySeconds.nullable(),
    cycleIntervalSeconds: cycleShape.cycleIntervalSeconds.nullable().default(null),
    cycleOffsetMs: cycleShape.cycleOffsetMs.default(0),
    costs: z.object(costsShape).describe("commissionPerLot null: the account's, as its instrument spec reports it"),
    sweep: sweepShape.sweep.nullable().default(null).describe('The swept settings; null: one backtest'),
    rankBy: sweepShape.rankBy.default('netPnl'),
    walkForward: sweepShape.walkForward.nullable().default(null).describe('Walk-forward folds; null: a plain sweep'),
  })
  .superRefine((request, ctx) => {
    try {
      cycleScheduleOf(request);
    } catch (error) {
      if (!(error instanceof CycleRequestError)) throw error;
      ctx.addIssue({ code: 'custom', path: [error.field], message: error.message });
    }
  });

export type BacktestRequest = z.infer<typeof backtestRequestSchema>;

/** The cycle fields as a request stores them: a delay, or an interval and its offset (the other null). */
interface CycleFields {
  cycleDelaySeconds: number | null;
  cycleIntervalSeconds: number | null;
  cycleOffsetMs: number;
}

/** Cycles as a request may ask for them: each field optional. */
export interface RequestedCycles {
  cycleDelaySeconds?: number | undefined;
  cycleIntervalSeconds?: number | undefined;
  cycleOffsetMs?: number | undefined;
}

/** A contradiction in the cycles asked for, naming the field at fault. */
export class CycleRequestError extends Error {
  readonly field: keyof RequestedCycles;

  constructor(field: keyof RequestedCycles, message: string) {
    super(message);
    this.field = field;
  }
}

/** The contradictions cycle fields can hold: a delay and an interval, or an offset without an interval or past it. */
export function checkRequestedCycles(requested: RequestedCycles): void {
  const { cycleDelaySeconds: delay, cycleIntervalSeconds: interval, cycleOffsetMs: offset } = requested;
  if (delay !== undefined && interval !== undefined) {
    throw new CycleRequestError('cycleIntervalSeconds', 'either a bar-close delay or an interval, not both');
  }
  if (offset === undefined) return;
  if (interval === undefined) throw new CycleRequestError('cycleOffsetMs', 'only with an interval');
  if (offset >= interval * 1000) {
    throw new CycleRequestError('cycleOffsetMs', `must be below the interval (${interval * 1000} ms)`);
  }
}

/**
 * The cycles asked for, else `otherwise` (a bot's own, or the default): a delay after each bar
 * closes, or an interval at the given offset (else `otherwise`'s when it is the same interval, else 0).
 */
export function requestedCycles(requested: RequestedCycles, otherwise: CycleSchedule | null): CycleSchedule {
  checkRequestedCycles(requested);
  const { cycleDelaySeconds: delay, cycleIntervalSeconds: interval, cycleOffsetMs: offset } = requested;
  if (delay !== undefined) return { kind: 'bar_close', delaySeconds: delay };
  if (interval === undefined) {
    return otherwise ?? refuseCycles('cycleDelaySeconds', 'a bar-close delay or an interval is needed');
  }
  const sameInterval = otherwise?.kind === 'interval' && otherwise.everySeconds === interval;
  return { kind: 'interval', everySeconds: interval, offsetMs: offset ?? (sameInterval ? otherwise.offsetMs : 0) };
}

function refuseCycles(field: keyof RequestedCycles, message: string): never {
  throw new CycleRequestError(field, message);
}

/** A stored request's cycles as the backtester runs them. */
export function cycleScheduleOf(stored: CycleFields): CycleSchedule {
  const interval = stored.cycleIntervalSeconds ?? undefined;
  return requestedCycles(
    {
      cycleDelaySeconds: stored.cycleDelaySeconds ?? undefined,
      cycleIntervalSeconds: interval,
      cycleOffsetMs: interval === undefined ? undefined : stored.cycleOffsetMs,
    },
    null,
  );
}

/** A schedule as a request stores it. */
export function cycleFieldsOf(schedule: CycleSchedule): CycleFields {
  return schedule.kind === 'bar_close'
    ? { cycleDelaySeconds: schedule.delaySeconds, cycleIntervalSeconds: null, cycleOffsetMs: 0 }
    : { cycleDelaySeconds: null, cycleIntervalSeconds: schedule.everySeconds, cycleOffsetMs: schedule.offsetMs };
}

export const BACKTEST_KINDS = ['backtest', 'sweep', 'walk_forward'] as const;
export type BacktestKind = (typeof BACKTEST_KINDS)[number];

export function backtestKind(request: Pick<BacktestRequest, 'sweep' | 'walkForward'>): BacktestKind {
  if (request.sweep === null) return 'backtest';
  return request.walkForward === null ? 'sweep' : 'walk_forward';
}

/** A period's problems, by the field at fault: `to` before `from`, or longer than a backtest may be. */
export function periodProblems(from: string, to: string): { field: 'to'; message: string }[] {
  const length = Date.parse(to) - Date.parse(from);
  if (length <= 0) return [{ field: 'to', message: 'must be later than from' }];
  if (length > MAX_BACKTEST_DAYS * DAY_MS) {
    return [{ field: 'to', message: `at most ${MAX_BACKTEST_DAYS} days after from` }];
  }
  return [];
}
