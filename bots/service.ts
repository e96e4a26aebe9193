// Bot life-cycle: the database row and its Temporal Schedule kept in step. The API and the CLI
// both call this, so every rule about bots lives here once.
import { z } from 'zod';
import { isDeepStrictEqual } from 'node:util';
import { OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requireSymbol, type SymbolCatalog } from '../brokers/symbol-catalog.ts';
import { AuditLog, Bot, DELETED_BOTS_FILTER, type IBot } from '../db/entities/index.ts';
import type { TradingState } from '../trading/trading-state.ts';
import { riskSettingsSchema } from '../trading/risk/index.ts';
import { strategyParamsSchema, type StrategyName } from '../trading/strategies/index.ts';
import {
  BotConflictError,
  BotNotFoundError,
  conflictOf,
  messageOf,
  StaleVersionError,
  UnknownSettingsError,
} from './errors.ts';
import { auditBot, findBot, flushBotLocked } from './bot-rows.ts';
import { requireFlat } from './flat-bot.ts';
import { upsertLiveBotSchedule } from './live-bot-schedule.ts';
import { BotStatusChanges, type RunOptions } from './status-changes.ts';
import { openPositionsOf, type OpenPositions } from './open-positions.ts';
import { scheduleIdOf, type BotSchedules, type ScheduleState } from './schedule.ts';
import {
  botUpdateSchema,
  lookbackFor,
  newBotSchema,
  unknownSettings,
  type BotUpdate,
  type NewBot,
} from './settings.ts';
import { readTradingState, readTradingStates, type TradingStateView } from './trading-state.ts';

export { lookbackFor, type BotUpdate, type NewBot };

export interface BotView {
  bot: IBot;
  schedule: ScheduleState & { id: string };
  tradingState: TradingState;
}

export type BotDetail = BotView & { openPositions: OpenPositions };

export interface UpdateResult {
  bot: IBot;
  /** The settings whose values changed; empty when there was nothing to change (nothing written). */
  changed: string[];
}

type ChangeableField = keyof BotUpdate;

/** `value` parsed as the patch's `field` merged over the bot's: a refusal names the field's path. */
function parsedAt<S extends z.ZodType>(schema: S, value: unknown, field: string): z.output<S> {
  return z.object({ [field]: schema }).parse({ [field]: value })[field] as z.output<S>;
}

export class BotService {
  private readonly em: EntityManager;
  private readonly schedules: BotSchedules;
  private readonly symbols: SymbolCatalog;
  private readonly statuses: BotStatusChanges;

  constructor(em: EntityManager, schedules: BotSchedules, symbols: SymbolCatalog) {
    this.em = em;
    this.schedules = schedules;
    this.symbols = symbols;
    this.statuses = new BotStatusChanges(em, schedules);
  }

  async create(input: NewBot): Promise<IBot> {
    const bot = newBotSchema.parse(input);
    const unknown = unknownSettings(input, bot.strategyParams, bot.riskSettings);
    if (unknown.length > 0) throw new UnknownSettingsError(unknown);
    await requireSymbol(this.symbols, bot.brokerAccount, bot.symbol);
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
      barCloseDelaySeconds: bot.barCloseDelaySeconds,
    });
    auditBot(em, row, 'bot_created', `created ${bot.paused ? 'paused' : 'active'}`, {
      symbol: bot.symbol,
      autoTrade: bot.autoTrade,
    });
    try {
      await em.flush();
    } catch (error) {
      throw conflictOf(error, row) ?? error;
    }
    try {
      await this.scheduleOrNotFound(row);
    } catch (error) {
      // Deleted as it was made: the deletion is its record.
      if (error instanceof BotNotFoundError) throw error;
      await this.undoHalfMade(row, error);
      throw error;
    }
    return row;
  }

  /**
   * A bot whose schedule could not be set up is undone, schedule and row, so the same command can
   * be retried; a row someone changed meanwhile (a pause) is theirs now, and stays. A schedule that
   * cannot be removed (Temporal unreachable: usually none was made) is named in the error.
   */
  private async undoHalfMade(row: IBot, failure: unknown): Promise<void> {
    let removal: unknown = null;
    try {
      await this.schedules.remove(row.id);
    } catch (error) {
      removal = error;
    }
    const em = this.em.fork();
    const current = await em.findOne(Bot, row.id);
    if (current !== null && current.version === row.version) {
      await em.nativeDelete(AuditLog, { bot: row.id });
      await em.nativeDelete(Bot, { id: row.id, version: row.version });
    }
    if (removal !== null)
      throw new Error(
        `bot ${row.id} was not set up (${messageOf(failure)}); its schedule ${this.schedules.idOf(row.id)}, if it was made, could not be removed (${messageOf(removal)}): delete it with \`temporal schedule delete\``,
        { cause: removal },
      );
  }

  /** The values `patch` gives the fields it changes (and the lookback they imply), validated. */
  private valuesAfter(bot: IBot, patch: BotUpdate): Partial<Record<ChangeableField, unknown>> {
    const current = strategyParamsSchema.parse(bot.strategyParams);
    const merged = { ...current } as Record<string, Record<string, unknown>>;
    for (const [name, params] of Object.entries(patch.strategyParams ?? {}))
      merged[name] = { ...merged[name], ...params };
    const strategyParams = parsedAt(strategyParamsSchema, merged, 'strategyParams');
    const riskSettings = parsedAt(riskSettingsSchema, { ...bot.riskSettings, ...patch.riskSettings }, 'riskSettings');
    const unknown = unknownSettings(patch, strategyParams, riskSettings);
    if (unknown.length > 0) throw new UnknownSettingsError(unknown);
    const enabledStrategies = patch.enabledStrategies ?? (bot.enabledStrategies as StrategyName[]);
    return {
      ...patch,
      ...(patch.strategyParams ? { strategyParams } : {}),
      ...(patch.riskSettings ? { riskSettings } : {}),
      lookback: lookbackFor(patch.lookback ?? bot.lookback, enabledStrategies, strategyParams),
    };
  }

  /**
   * Applies new settings; the schedule follows (its pause state is kept as it is). A change to
   * what the bot already has writes nothing: no version bump, no audit row.
   */
  async update(botId: number, input: BotUpdate, expectedVersion?: number): Promise<UpdateResult> {
    const patch = botUpdateSchema.parse(input);
    const em = this.em.fork();
    const bot = await findBot(em, botId);
    if (expectedVersion !== undefined && bot.version !== expectedVersion)
      throw new StaleVersionError(botId, bot.version, expectedVersion);
    if (Object.keys(patch).length === 0) return { bot, changed: [] };
    const values = this.valuesAfter(bot, patch);
    const record = bot as unknown as Record<string, unknown>;
    const changed = Object.keys(values).filter(
      (field) => !isDeepStrictEqual(values[field as ChangeableField], record[field]),
    );
    // Nothing to write; the schedule is brought in line all the same (an earlier update may have
    // written the row and then failed to reach Temporal).
    if (changed.length === 0) {
      await this.scheduleOrNotFound(bot);
      return { bot, changed };
    }
    if (changed.includes('symbol') || changed.includes('brokerAccount')) {
      await requireSymbol(this.symbols, patch.brokerAccount ?? bot.brokerAccount, patch.symbol ?? bot.symbol);
      await requireFlat(em, bot, 'moving it', changed.includes('symbol') ? 'symbol' : 'brokerAccount');
    }
    const changes = Object.fromEntries(
      changed.map((field) => [field, { from: record[field], to: values[field as ChangeableField] }]),
    );
    for (const field of changed) record[field] = values[field as ChangeableField];
    auditBot(em, bot, 'bot_updated', `changed ${changed.join(', ')}`, changes);
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof OptimisticLockError)
        throw new BotConflictError(`bot ${botId} was changed concurrently: reload and retry`, 'version');
      throw conflictOf(error, bot) ?? error;
    }
    await this.scheduleOrNotFound(bot);
    return { bot, changed };
  }

  /** The bot's schedule brought in line with its row; a bot deleted meanwhile is not found. */
  private async scheduleOrNotFound(bot: IBot): Promise<void> {
    if ((await upsertLiveBotSchedule(this.em, this.schedules, bot)) === null) throw new BotNotFoundError(bot.id);
  }

  /**
   * Every bot with its schedule and trading state: what the API and the CLI list. The schedules
   * come from one listing of Temporal's schedules (see readTradingStates).
   */
  async list(): Promise<BotView[]> {
    const em = this.em.fork();
    const states = await readTradingStates(em, this.schedules, () => em.find(Bot, {}, { orderBy: { id: 'asc' } }));
    return states.map(({ bot, state }) => viewOf(bot, state));
  }

  /** One bot, its schedule described by Temporal itself (no listing lag). */
  async view(botId: number): Promise<BotView> {
    const em = this.em.fork();
    const bot = await findBot(em, botId);
    return viewOf(bot, await readTradingState(em, this.schedules, bot));
  }

  /** The view and the bot's open positions with their unrealised P&L, as last reconciled. */
  async detail(botId: number): Promise<BotDetail> {
    const view = await this.view(botId);
    return { ...view, openPositions: await openPositionsOf(this.em.fork(), botId) };
  }

  /** No more cycles: open positions keep their SL/TP at the broker. */
  pause(botId: number, reason: string): Promise<IBot> {
    return this.statuses.pause(botId, reason);
  }

  /** Cycles run and may open positions; a pause of the automatic kill-switch is lifted only when asked. */
  resume(botId: number, reason: string, options?: RunOptions): Promise<IBot> {
    return this.statuses.run(botId, 'active', reason, options);
  }

  /** Cycles keep running to manage and close positions; nothing new opens. */
  reduce(botId: number, reason: string, options?: RunOptions): Promise<IBot> {
    return this.statuses.run(botId, 'reducing', reason, options);
  }

  /** Runs one cycle now through the bot's schedule; refused while its cycles do not run. */
  async trigger(botId: number): Promise<BotView> {
    const view = await this.view(botId);
    if (!view.tradingState.cyclesRun)
      throw new BotConflictError(`bot ${botId} runs no cycles (${view.tradingState.reason}): resume it first`);
    await this.schedules.trigger(botId);
    return view;
  }

  /** Deletes a flat bot: its schedule goes, its audit trail stays, its name is free again. */
  async remove(botId: number, reason: string): Promise<void> {
    const em = this.em.fork();
    const bot = await findBot(em, botId);
    await requireFlat(em, bot, 'deleting it');
    await this.schedules.remove(botId);
    bot.deletedAt = new Date();
    bot.status = 'paused';
    auditBot(em, bot, 'bot_deleted', reason);
    try {
      await flushBotLocked(em, botId);
    } catch (error) {
      // Not deleted after all (changed meanwhile): the bot gets its schedule back, as its row now reads.
      try {
        await this.scheduleOrNotFound(await findBot(this.em.fork(), botId));
      } catch (restore) {
        throw new BotConflictError(
          `${messageOf(error)}; and its schedule could not be made again (${messageOf(restore)}): start-up sync makes it`,
          'version',
        );
      }
      throw error;
    }
    // Again, now that the row says deleted: a schedule made meanwhile from an older read of the
    // row goes too (live-bot-schedule.ts).
    await this.schedules.remove(botId);
  }

  /** The paper bot `npm start` trades unless told not to; created once, kept as the operator left it. */
  async ensureDemoBot(): Promise<IBot> {
    // A deleted demo bot stays deleted: the operator removed it, do not bring it back.
    const existing = await this.em
      .fork()
      .findOne(Bot, { name: 'demo-xauusdm' }, { filters: { [DELETED_BOTS_FILTER]: false } });
    if (existing) return existing;
    return this.create({ name: 'demo-xauusdm', symbol: 'XAUUSDm', autoTrade: true, brokerAccount: 'paper-demo' });
  }

  /** Start-up upsert of every bot's schedule (a paused one stays paused); deleted bots have none. */
  async syncSchedules(): Promise<number> {
    const bots = await this.em.fork().find(Bot, {}, { filters: { [DELETED_BOTS_FILTER]: false } });
    let scheduled = 0;
    for (const bot of bots) {
      if (bot.deletedAt) await this.schedules.remove(bot.id);
      else if ((await upsertLiveBotSchedule(this.em, this.schedules, bot)) !== null) scheduled++;
    }
    return scheduled;
  }
}

function viewOf(bot: IBot, { schedule, ...tradingState }: TradingStateView): BotView {
  return { bot, schedule: { id: scheduleIdOf(bot.id), ...schedule }, tradingState };
}
