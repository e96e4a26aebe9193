// Gathers everything a risk decision depends on, from the broker and the database, at one moment.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerPort } from '../brokers/port.ts';
import { GLOBAL_KILL_SWITCH, KillSwitch, Position } from '../db/entities/index.ts';
import type { InstrumentSpec } from '../trading/market.ts';
import type { DecisionContext, OpenPosition } from '../trading/risk/index.ts';
import type { BotContext } from './bot-context.ts';

export type MarketContext = Omit<DecisionContext, 'signal'>;

const LOSS_LOOKBACK_MS = 24 * 60 * 60_000;

async function isHaltedGlobally(em: EntityManager): Promise<boolean> {
  return (await em.findOne(KillSwitch, GLOBAL_KILL_SWITCH))?.halted ?? false;
}

async function openPositionsOf(broker: BrokerPort, instrument: InstrumentSpec): Promise<OpenPosition[]> {
  const positions = await broker.positions();
  const groups = new Map<string, string>([[instrument.symbol, instrument.correlationGroup]]);
  for (const symbol of new Set(positions.map((p) => p.symbol))) {
    if (!groups.has(symbol)) groups.set(symbol, (await broker.instrument(symbol)).correlationGroup);
  }
  return positions.map((p) => ({
    symbol: p.symbol,
    side: p.side,
    volume: p.volume,
    openPrice: p.priceOpen,
    correlationGroup: groups.get(p.symbol) ?? p.symbol,
  }));
}

export async function marketContext(
  em: EntityManager,
  broker: BrokerPort,
  context: BotContext,
  scheduledPaused: boolean,
  now: number,
): Promise<MarketContext> {
  const { bot, risk } = context;
  const [instrument, account, quote] = await Promise.all([
    broker.instrument(bot.symbol),
    broker.account(),
    broker.quote(bot.symbol),
  ]);
  const losses = await em.find(Position, {
    bot: bot.id,
    status: 'closed',
    realizedPnl: { $lt: 0 },
    closedAt: { $gte: new Date(now - LOSS_LOOKBACK_MS) },
  });
  return {
    settings: risk,
    bot: { active: bot.status === 'active', autoTrade: bot.autoTrade },
    halted: { global: await isHaltedGlobally(em), bot: scheduledPaused },
    account: { balance: account.balance, freeMargin: account.freeMargin, leverage: account.leverage },
    openPositions: await openPositionsOf(broker, instrument),
    instrument,
    quote: { bid: quote.bid, ask: quote.ask },
    now,
    recentLosses: losses.map((p) => ({ closedAt: p.closedAt?.getTime() ?? now, pnl: p.realizedPnl ?? 0 })),
  };
}
