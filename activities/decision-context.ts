// Gathers everything a risk decision depends on, from the broker and the database, at one moment.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerPort } from '../brokers/port.ts';
import { Execution, Position } from '../db/entities/index.ts';
import type { InstrumentSpec } from '../trading/market.ts';
import { lossLookbackMs, type MarketContext, type OpenPosition, tradingDaysOf } from '../trading/risk/index.ts';
import { sumOfCents } from '../trading/rounding.ts';
import type { TradingState } from '../trading/trading-state.ts';
import type { BotContext } from './bot-context.ts';
import { cachedInstrument } from './instrument-cache.ts';

/** Every position on the account (other bots' too: the correlation and account checks need them). */
async function accountPositions(em: EntityManager, broker: BrokerPort, account: string): Promise<OpenPosition[]> {
  const positions = await broker.positions();
  const groups = new Map<string, string>();
  for (const symbol of new Set(positions.map((p) => p.symbol))) {
    groups.set(symbol, (await cachedInstrument(em, broker, account, symbol)).correlationGroup);
  }
  return positions.map((p) => ({
    magic: p.magic,
    symbol: p.symbol,
    side: p.side,
    volume: p.volume,
    openPrice: p.priceOpen,
    correlationGroup: groups.get(p.symbol) ?? p.symbol,
    stopLoss: p.sl,
  }));
}

export async function marketContext(
  em: EntityManager,
  broker: BrokerPort,
  context: BotContext,
  instrument: InstrumentSpec,
  tradingState: TradingState,
  now: number,
): Promise<MarketContext> {
  const { bot, risk } = context;
  const [account, quote] = await Promise.all([broker.account(), broker.quote(bot.symbol)]);
  const dayStart = tradingDaysOf(risk).startOf(now);
  const [losses, dealsToday] = await Promise.all([
    em.find(Position, {
      bot: bot.id,
      status: 'closed',
      realizedPnl: { $lt: 0 },
      closedAt: { $gte: new Date(now - lossLookbackMs(risk)) },
    }),
    em.find(Execution, { bot: bot.id, executedAt: { $gte: new Date(dayStart), $lte: new Date(now) } }),
  ]);
  return {
    settings: risk,
    bot: { autoTrade: bot.autoTrade, magic: bot.magic },
    tradingState: { state: tradingState.state, reason: tradingState.reason },
    account: {
      balance: account.balance,
      freeMargin: account.freeMargin,
      leverage: account.leverage,
      mode: account.mode,
    },
    openPositions: await accountPositions(em, broker, bot.brokerAccount),
    instrument,
    quote: { bid: quote.bid, ask: quote.ask },
    now,
    recentLosses: losses.map((p) => ({ closedAt: p.closedAt?.getTime() ?? now, pnl: p.realizedPnl ?? 0 })),
    dayRealizedPnl: sumOfCents(dealsToday.map((deal) => deal.profit + deal.commission + deal.swap)),
  };
}
