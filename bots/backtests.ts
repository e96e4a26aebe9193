// Asking for a backtest: the request is resolved (a bot's settings copied, or the given ones
// validated as a bot's would be), checked against what exists (the symbol on the account, imported
// bars in the period), stored as a queued row, and handed to its workflow.
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { requireSymbol, type SymbolCatalog } from '../brokers/symbol-catalog.ts';
import { BacktestRecords } from '../db/backtests.ts';
import { Bot, type IBacktest } from '../db/entities/index.ts';
import { hasStoredBars } from '../db/stored-bars.ts';
import { sweepGrid, SweepGridError } from '../backtest/sweep/grid.ts';
import { longestLookback } from '../backtest/sweep/lookback.ts';
import type { RankMetric } from '../backtest/sweep/rank.ts';
import { walkForwardFolds } from '../backtest/walk-forward.ts';
import { riskSettingsSchema } from '../trading/risk/index.ts';
import { STRATEGY_NAMES, strategyParamsSchema, type StrategyName } from '../trading/strategies/index.ts';
import type { CycleSchedule } from '../backtest/cycle-schedule.ts';
import {
  CycleRequestError,
  cycleFieldsOf,
  requestedCycles,
  DEFAULT_CYCLE_SCHEDULE,
  MAX_API_SWEEP_POINTS,
  type BacktestRequest,
  type BacktestSource,
} from './backtest-request.ts';
import type { BacktestLauncher, CancelAnswer } from './backtest-launcher.ts';
import { botCycleSchedule } from './cycle-timing.ts';
import { UnknownSettingsError } from './errors.ts';
import { botSettingsShape, lookbackFor, unknownSettings } from './settings.ts';

/** A request as the API validated it: the replay's defaults filled in, the bot's settings optional. */
export interface BacktestInput {
  symbol: string;
  from: string;
  to: string;
  source: BacktestSource;
  seed: number;
  botId?: number | undefined;
  brokerAccount?: string | undefined;
  enabledStrategies?: StrategyName[] | undefined;
  strategyParams?: Record<string, Record<string, unknown>> | undefined;
  riskSettings?: Record<string, unknown> | undefined;
  lookback?: number | undefined;
  startingBalance: number;
  accountMode: BacktestRequest['accountMode'];
  leverage: number;
  cycleDelaySeconds?: number | undefined;
  cycleIntervalSeconds?: number | undefined;
  cycleOffsetMs?: number | undefined;
  costs: BacktestRequest['costs'];
  sweep?: string[] | undefined;
  rankBy?: RankMetric | undefined;
  walkForward?: number | undefined;
}

type TradingSettings = Pick<
  BacktestRequest,
  | 'brokerAccount'
  | 'enabledStrategies'
  | 'strategyParams'
  | 'riskSettings'
  | 'lookback'
  | 'cycleDelaySeconds'
  | 'cycleIntervalSeconds'
  | 'cycleOffsetMs'
>;

/** A problem with the request's fields, answered as the body's fault (400 naming them). */
function invalid(paths: (string | number)[][], message: string): z.ZodError {
  return new z.ZodRealError(paths.map((path) => ({ code: 'custom', path, message, input: undefined })));
}

/**
 * `value` read by `schema` as the request's field `field`: a rule across its settings (checked here,
 * not by the route's schema, which sees them one by one) is named at the field's own path.
 */
function parsedField<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new z.ZodRealError(result.error.issues.map((issue) => ({ ...issue, path: [field, ...issue.path] })));
}

/** The cycles the request asks for, else `otherwise`; a contradiction is the body's fault. */
function cyclesOf(input: BacktestInput, otherwise: CycleSchedule): CycleSchedule {
  try {
    return requestedCycles(input, otherwise);
  } catch (error) {
    if (error instanceof CycleRequestError) throw invalid([[error.field]], error.message);
    throw error;
  }
}

/**
 * A sweep's grid and walk-forward folds checked now, so a request that cannot run is a 400, not a
 * failed backtest; the worker builds them again from the stored request.
 */
function checkSweep(request: BacktestRequest): void {
  if (request.sweep === null) return;
  try {
    longestLookback(request, sweepGrid(request.sweep, request, MAX_API_SWEEP_POINTS));
  } catch (error) {
    if (!(error instanceof SweepGridError)) throw error;
    throw invalid([error.specIndex === null ? ['sweep'] : ['sweep', error.specIndex]], error.detail);
  }
  if (request.walkForward === null) return;
  try {
    walkForwardFolds(
      { from: Date.parse(request.from), to: Date.parse(request.to) },
      { windows: request.walkForward + 1 },
    );
  } catch (error) {
    throw invalid([['walkForward']], error instanceof Error ? error.message : String(error));
  }
}

const iso = (time: string): string => new Date(time).toISOString();

export class BacktestService {
  private readonly em: EntityManager;
  private readonly launcher: BacktestLauncher;
  private readonly symbols: SymbolCatalog;

  constructor(em: EntityManager, launcher: BacktestLauncher, symbols: SymbolCatalog) {
    this.em = em;
    this.launcher = launcher;
    this.symbols = symbols;
  }

  /** The bot's settings as they are now: the backtest keeps them even if the bot changes later. */
  private async botSettings(botId: number, input: BacktestInput): Promise<TradingSettings> {
    const bot = await this.em.fork().findOne(Bot, botId);
    if (!bot) throw invalid([['botId']], `bot ${botId} does not exist`);
    return {
      brokerAccount: bot.brokerAccount,
      enabledStrategies: botSettingsShape.enabledStrategies.parse(bot.enabledStrategies),
      strategyParams: strategyParamsSchema.parse(bot.strategyParams),
      riskSettings: riskSettingsSchema.parse(bot.riskSettings),
      lookback: bot.lookback,
      ...cycleFieldsOf(cyclesOf(input, botCycleSchedule(bot))),
    };
  }

  /** The given settings, defaults filled in as a new bot's; unknown names refused, not dropped. */
  private givenSettings(input: BacktestInput): TradingSettings {
    const strategyParams = parsedField(strategyParamsSchema, input.strategyParams ?? {}, 'strategyParams');
    const riskSettings = parsedField(riskSettingsSchema, input.riskSettings ?? {}, 'riskSettings');
    const unknown = unknownSettings(input, strategyParams, riskSettings);
    if (unknown.length > 0) throw new UnknownSettingsError(unknown);
    const enabledStrategies = input.enabledStrategies ?? [...STRATEGY_NAMES];
    return {
      brokerAccount: input.brokerAccount ?? 'paper-1',
      enabledStrategies,
      strategyParams,
      riskSettings,
      lookback: lookbackFor(input.lookback, enabledStrategies, strategyParams),
      ...cycleFieldsOf(cyclesOf(input, DEFAULT_CYCLE_SCHEDULE)),
    };
  }

  private async resolve(input: BacktestInput): Promise<BacktestRequest> {
    const trading = input.botId === undefined ? this.givenSettings(input) : await this.botSettings(input.botId, input);
    await requireSymbol(this.symbols, trading.brokerAccount, input.symbol);
    const request: BacktestRequest = {
      symbol: input.symbol,
      from: iso(input.from),
      to: iso(input.to),
      source: input.source,
      botId: input.botId ?? null,
      ...trading,
      startingBalance: input.startingBalance,
      accountMode: input.accountMode,
      leverage: input.leverage,
      seed: input.seed,
      costs: input.costs,
      sweep: input.sweep ?? null,
      rankBy: input.rankBy ?? 'netPnl',
      walkForward: input.walkForward ?? null,
    };
    checkSweep(request);
    const period = [Date.parse(request.from), Date.parse(request.to)] as const;
    if (request.source === 'database' && !(await hasStoredBars(this.em.fork(), request.symbol, ...period))) {
      throw invalid(
        [['from'], ['to']],
        `no imported ${request.symbol} bars in [${request.from}, ${request.to}): import an MT5 export with \`scalper import-bars\`, or use the synthetic source`,
      );
    }
    return request;
  }

  /**
   * Marks an unfinished row failed when its workflow's run ended without settling it (see
   * endedWithoutResult); true when it did. A row whose run has not started yet is left alone.
   */
  async settleEnded(row: Pick<IBacktest, 'id' | 'status' | 'workflowId' | 'runId'>): Promise<boolean> {
    if ((row.status !== 'queued' && row.status !== 'running') || !row.runId) return false;
    const reason = await this.launcher.endedWithoutResult(row.workflowId, row.runId);
    if (reason === null) return false;
    await new BacktestRecords(this.em).failed(row.id, reason);
    return true;
  }

  /**
   * Asks an unfinished backtest's run to stop, saying why, and waits for it (see
   * BacktestLauncher.cancel): its workflow stops the computation and marks the row failed with
   * `cancelled: <reason>`. 'ended' when it had ended first.
   */
  async cancel(row: Pick<IBacktest, 'id' | 'status' | 'workflowId' | 'runId'>, reason: string): Promise<CancelAnswer> {
    if (row.status !== 'queued' && row.status !== 'running') return 'ended';
    const answer = row.runId ? await this.launcher.cancel(row.workflowId, row.runId, reason) : 'ended';
    if (answer !== 'ended') return answer;
    // No run settled it (it never started, or is gone from Temporal): settled here unless it ended.
    return (await new BacktestRecords(this.em).failed(row.id, `cancelled: ${reason}`)) ? 'cancelled' : 'ended';
  }

  /** Stores the backtest queued and starts its workflow; a workflow that cannot start leaves the row failed. */
  async submit(input: BacktestInput): Promise<IBacktest> {
    const request = await this.resolve(input);
    const records = new BacktestRecords(this.em);
    // The id names the workflow in the Web UI; the suffix keeps it unique among databases sharing a Temporal.
    const suffix = randomBytes(4).toString('hex');
    const row = await records.create(
      { symbol: request.symbol, botId: request.botId, request },
      (id) => `scalper-backtest-${id}-${suffix}`,
    );
    try {
      const runId = await this.launcher.start({ backtestId: row.id, workflowId: row.workflowId, symbol: row.symbol });
      await records.workflowStarted(row.id, runId);
      row.runId = runId;
    } catch (error) {
      await records.failed(
        row.id,
        `its workflow did not start: ${error instanceof Error ? error.message : String(error)}`,
      );
      throw error;
    }
    return row;
  }
}
