// Bot life-cycle: the database row and its Temporal Schedule kept in step.
import { OptimisticLockError, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { AuditLog, Bot, DELETED_BOTS_FILTER, Position, type BotStatus, type IBot } from '../db/entities/index.ts';
import type { TradingState } from '../trading/trading-state.ts';
import { riskSettingsSchema } from '../trading/risk/index.ts';
import {
  STRATEGY_NAMES,
  strategyMinBars,
  strategyParamsSchema,
  type StrategyName,
  type StrategyParams,
} from '../trading/strategies/index.ts';
import { BotConflictError, BotNotFoundError, UnknownSettingsError } from './errors.ts';
import { scheduleIdOf, type BotSchedules, type ScheduleState } from './schedule.ts';
import { readTradingState } from './trading-state.ts';

export interface BotView {
  bot: IBot;
  schedule: ScheduleState & { id: string };
  tradingState: TradingState;
}

const STATUS_EVENTS: Record<BotStatus, string> = {
  active: 'bot_resumed',
  reducing: 'bot_reducing',
  paused: 'bot_paused',
};

/** The seed system scanned 100 bars; strategies with longer warm-ups raise it (see lookbackFor). */
export const DEFAULT_LOOKBACK = 100;

const botSettingsShape = {
  autoTrade: z.boolean(),
  enabledStrategies: z.array(z.enum(STRATEGY_NAMES)).min(1),
  scheduleIntervalSeconds: z.number().int().min(15).max(3600),
  lookback: z.number().int().min(20).max(5000),
};

export const newBotSchema = z.object({
  name: z.string().min(1).max(100),
  symbol: z.string().min(1).max(32),
  autoTrade: botSettingsShape.autoTrade.default(false),
  enabledStrategies: botSettingsShape.enabledStrategies.default([...STRATEGY_NAMES]),
  strategyParams: strategyParamsSchema.prefault({}),
  riskSettings: riskSettingsSchema.strict().prefault({}),
  brokerAccount: z.string().min(1).default('paper-1'),
  scheduleIntervalSeconds: botSettingsShape.scheduleIntervalSeconds.default(45),
  lookback: botSettingsShape.lookback.optional(),
  paused: z.boolean().default(false),
});

/** A change of settings: strategy parameters and risk settings are merged into the current ones. */
export const botUpdateSchema = z
  .object({
    ...botSettingsShape,
    strategyParams: z.record(z.string(), z.record(z.string(), z.unknown())),
    riskSettings: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();

export type NewBot = z.input<typeof newBotSchema>;
export type BotUpdate = z.input<typeof botUpdateSchema>;

/** Enough closed bars for every enabled strategy's warm-up, twice over so EMAs have converged. */
export function lookbackFor(requested: number | undefined, enabled: StrategyName[], params: StrategyParams): number {
  const warmUp = Math.max(...enabled.map((name) => strategyMinBars(name, params)));
  return Math.max(requested ?? DEFAULT_LOOKBACK, 2 * warmUp);
}

/** Setting names in `patch` that the parsed settings do not know: a typo must not pass silently. */
function unknownSettings(patch: BotUpdate, strategyParams: Record<string, object>, riskSettings: object): string[] {
  const unknownRisk = Object.keys(patch.riskSettings ?? {}).filter((key) => !(key in riskSettings));
  const unknownParams = Object.entries(patch.strategyParams ?? {}).flatMap(([name, params]) => {
    const known = strategyParams[name];
    if (!known) return [`strategyParams.${name}`];
    return Object.keys(params)
      .filter((key) => !(key in known))
      .map((key) => `strategyParams.${name}.${key}`);
  });
  return [...unknownRisk.map((key) => `riskSettings.${key}`), ...unknownParams];
}

export class BotService {
  private readonly em: EntityManager;
  private readonly schedules: BotSchedules;

  constructor(em: EntityManager, schedules: BotSchedules) {
    this.em = em;
    this.schedules = schedules;
  }

  private async find(em: EntityManager, botId: number): Promise<IBot> {
    const bot = await em.findOne(Bot, botId);
    if (!bot) throw new BotNotFoundError(botId);
    return bot;
  }

  private audit(em: EntityManager, bot: IBot, event: string, reason: string, data?: Record<string, unknown>) {
    // The entity, not its id: a new bot has no id until the flush that writes this row too.
    em.create(AuditLog, {
      bot,
      entity: 'bot',
      entityId: bot.id ? String(bot.id) : null,
      event,
      reason,
      data: data ?? null,
    });
  }

  async create(input: NewBot): Promise<IBot> {
    const bot = newBotSchema.parse(input);
    const em = this.em.fork();
    // A sequence, not max(magic) + 1: two creates at once never get the same magic.
    const [next] = await em.execute<{ magic: number }[]>(`select nextval('bot_magic_seq')::int as magic`);
    if (!next) throw new Error('bot_magic_seq returned no value');
    const row = em.create(Bot, {
      name: bot.name,
      symbol: bot.symbol,
      lookback: lookbackFor(bot.lookback, bot.enabledStrategies, bot.strategyParams),
      status: bot.paused ? 'paused' : 'active',
      autoTrade: bot.autoTrade,
      enabledStrategies: bot.enabledStrategies,
      strategyParams: bot.strategyParams,
      riskSettings: bot.riskSettings,
      brokerAccount: bot.brokerAccount,
      magic: next.magic,
      scheduleIntervalSeconds: bot.scheduleIntervalSeconds,
    });
    this.audit(em, row, 'bot_created', `created ${bot.paused ? 'paused' : 'active'}`, {
      symbol: bot.symbol,
      autoTrade: bot.autoTrade,
    });
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException && error.message.includes('bot_name_unique')) {
        throw new BotConflictError(`a bot named ${bot.name} already exists`);
      }
      throw error;
    }
    try {
      await this.schedules.upsert(row);
    } catch (error) {
      // A bot without its schedule is half-made: undo the row, so the same command can be retried.
      await em.nativeDelete(AuditLog, { bot: row.id });
      await em.nativeDelete(Bot, { id: row.id });
      throw error;
    }
    return row;
  }

  /** Applies new settings; the schedule follows (its pause state is kept as it is). */
  async update(botId: number, input: BotUpdate, expectedVersion?: number): Promise<IBot> {
    const patch = botUpdateSchema.parse(input);
    const em = this.em.fork();
    const bot = await this.find(em, botId);
    if (expectedVersion !== undefined && bot.version !== expectedVersion) {
      throw new BotConflictError(`bot ${botId} is at version ${bot.version}, not ${expectedVersion}: reload and retry`);
    }
    const current = strategyParamsSchema.parse(bot.strategyParams);
    const merged = { ...current } as Record<string, Record<string, unknown>>;
    for (const [name, params] of Object.entries(patch.strategyParams ?? {}))
      merged[name] = { ...merged[name], ...params };
    const strategyParams = strategyParamsSchema.parse(merged);
    const riskSettings = riskSettingsSchema.parse({ ...bot.riskSettings, ...patch.riskSettings });
    const unknown = unknownSettings(patch, strategyParams, riskSettings);
    if (unknown.length > 0) throw new UnknownSettingsError(unknown);
    const enabledStrategies = patch.enabledStrategies ?? (bot.enabledStrategies as StrategyName[]);
    bot.autoTrade = patch.autoTrade ?? bot.autoTrade;
    bot.enabledStrategies = enabledStrategies;
    bot.strategyParams = strategyParams;
    bot.riskSettings = riskSettings;
    bot.scheduleIntervalSeconds = patch.scheduleIntervalSeconds ?? bot.scheduleIntervalSeconds;
    bot.lookback = lookbackFor(patch.lookback ?? bot.lookback, enabledStrategies, strategyParams);
    this.audit(em, bot, 'bot_updated', `changed ${Object.keys(patch).join(', ') || 'nothing'}`, patch);
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof OptimisticLockError)
        throw new BotConflictError(`bot ${botId} was changed concurrently: reload and retry`);
      throw error;
    }
    await this.schedules.upsert(bot);
    return bot;
  }

  /** Every bot with its schedule and trading state: what the API and the CLI list. */
  async list(): Promise<BotView[]> {
    const em = this.em.fork();
    const bots = await em.find(Bot, {}, { orderBy: { id: 'asc' } });
    return Promise.all(bots.map((bot) => this.viewOf(em, bot)));
  }

  async view(botId: number): Promise<BotView> {
    const em = this.em.fork();
    return this.viewOf(em, await this.find(em, botId));
  }

  private async viewOf(em: EntityManager, bot: IBot): Promise<BotView> {
    const { schedule, ...tradingState } = await readTradingState(em, this.schedules, bot);
    return { bot, schedule: { id: scheduleIdOf(bot.id), ...schedule }, tradingState };
  }

  /** No more cycles: open positions keep their SL/TP at the broker. */
  async pause(botId: number, reason: string): Promise<IBot> {
    return this.setStatus(botId, 'paused', reason);
  }

  async resume(botId: number, reason: string): Promise<IBot> {
    return this.setStatus(botId, 'active', reason);
  }

  /** Cycles keep running to manage and close positions; nothing new opens. */
  async reduce(botId: number, reason: string): Promise<IBot> {
    return this.setStatus(botId, 'reducing', reason);
  }

  private async setStatus(botId: number, status: BotStatus, reason: string): Promise<IBot> {
    const em = this.em.fork();
    const bot = await this.find(em, botId);
    // The schedule first: it is what stops or starts cycles.
    if (status === 'paused') await this.schedules.pause(botId, reason);
    else await this.schedules.resume(botId, reason);
    bot.status = status;
    this.audit(em, bot, STATUS_EVENTS[status], reason);
    await em.flush();
    return bot;
  }

  /** Deletes a flat bot: its schedule goes, its audit trail stays. */
  async remove(botId: number, reason: string): Promise<void> {
    const em = this.em.fork();
    const bot = await this.find(em, botId);
    const open = await em.count(Position, { bot: botId, status: 'open' });
    if (open > 0)
      throw new BotConflictError(`bot ${botId} has ${open} open position(s): close them before deleting it`);
    await this.schedules.remove(botId);
    bot.deletedAt = new Date();
    bot.status = 'paused';
    this.audit(em, bot, 'bot_deleted', reason);
    await em.flush();
  }

  /** The paper bot `npm start` trades unless told not to; created once, kept as the operator left it. */
  async ensureDemoBot(): Promise<IBot> {
    // A deleted demo bot still holds its name: the operator removed it, do not bring it back.
    const existing = await this.em
      .fork()
      .findOne(Bot, { name: 'demo-xauusdm' }, { filters: { [DELETED_BOTS_FILTER]: false } });
    if (existing) return existing;
    return this.create({ name: 'demo-xauusdm', symbol: 'XAUUSDm', autoTrade: true, brokerAccount: 'paper-demo' });
  }

  /** Start-up upsert of every bot's schedule (a paused one stays paused); deleted bots have none. */
  async syncSchedules(): Promise<number> {
    const bots = await this.em.fork().find(Bot, {}, { filters: { [DELETED_BOTS_FILTER]: false } });
    for (const bot of bots) {
      if (bot.deletedAt) await this.schedules.remove(bot.id);
      else await this.schedules.upsert(bot);
    }
    return bots.filter((bot) => !bot.deletedAt).length;
  }
}
