// Bot life-cycle: the database row and its Temporal Schedule kept in step.
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { Bot, type IBot } from '../db/entities/index.ts';
import { riskSettingsSchema } from '../trading/risk/index.ts';
import { STRATEGY_NAMES, strategyMinBars, strategyParamsSchema } from '../trading/strategies/index.ts';
import type { BotSchedules } from './schedule.ts';

/** The seed system scanned 100 bars; strategies with longer warm-ups raise it (see strategyMinBars). */
export const DEFAULT_LOOKBACK = 100;
/** MT5 magic numbers of the engine's bots start above this. */
const MAGIC_BASE = 770_000;

export const newBotSchema = z.object({
  name: z.string().min(1).max(100),
  symbol: z.string().min(1).max(32),
  autoTrade: z.boolean().default(false),
  enabledStrategies: z.array(z.enum(STRATEGY_NAMES)).min(1).default([...STRATEGY_NAMES]),
  strategyParams: strategyParamsSchema.prefault({}),
  riskSettings: riskSettingsSchema.prefault({}),
  brokerAccount: z.string().min(1).default('paper-1'),
  scheduleIntervalSeconds: z.number().int().min(15).max(3600).default(45),
  lookback: z.number().int().min(20).max(5000).optional(),
  paused: z.boolean().default(false),
});

export type NewBot = z.input<typeof newBotSchema>;

export class BotService {
  private readonly em: EntityManager;
  private readonly schedules: BotSchedules;

  constructor(em: EntityManager, schedules: BotSchedules) {
    this.em = em;
    this.schedules = schedules;
  }

  async create(input: NewBot): Promise<IBot> {
    const bot = newBotSchema.parse(input);
    const em = this.em.fork();
    const warmUp = Math.max(...bot.enabledStrategies.map((name) => strategyMinBars(name, bot.strategyParams)));
    const [next] = await em.execute<{ magic: number }[]>('select coalesce(max(magic), ?) + 1 as magic from bot', [MAGIC_BASE]);
    const magic = next?.magic ?? MAGIC_BASE + 1;
    const row = em.create(Bot, {
      name: bot.name,
      symbol: bot.symbol,
      lookback: Math.max(bot.lookback ?? DEFAULT_LOOKBACK, warmUp),
      status: bot.paused ? 'paused' : 'active',
      autoTrade: bot.autoTrade,
      enabledStrategies: bot.enabledStrategies,
      strategyParams: bot.strategyParams,
      riskSettings: bot.riskSettings,
      brokerAccount: bot.brokerAccount,
      magic,
      scheduleIntervalSeconds: bot.scheduleIntervalSeconds,
    });
    await em.flush();
    await this.schedules.upsert(row);
    return row;
  }

  /** The paper bot `npm start` trades unless told not to; created once, kept as the operator left it. */
  async ensureDemoBot(): Promise<IBot> {
    const existing = await this.em.fork().findOne(Bot, { name: 'demo-xauusdm' });
    if (existing) return existing;
    return this.create({ name: 'demo-xauusdm', symbol: 'XAUUSDm', autoTrade: true, brokerAccount: 'paper-demo' });
  }

  /** Start-up upsert of every bot's schedule; a paused schedule stays paused. */
  async syncSchedules(): Promise<number> {
    const bots = await this.em.fork().find(Bot, {});
    for (const bot of bots) await this.schedules.upsert(bot);
    return bots.length;
  }
}
