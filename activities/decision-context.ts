// Gathers everything a risk decision depends on, from the broker and the database, at one moment.
import type { EntityManager } from '@mikro-orm/postgresql';
import { cycleAfter } from '../backtest/cycle-schedule.ts';
import { botCycleSchedule } from '../bots/cycle-timing.ts';
import type { BrokerPort } from '../brokers/port.ts';
import type { Logger } from '../infra/logger.ts';
import { Execution, Position } from '../db/entities/index.ts';
import type { InstrumentSpec } from '../trading/market.ts';
import {
  lossAtStop,
  lossLookbackMs,
  type MarketContext,
  type OpenPosition,
  tradingDaysOf,
} from '../trading/risk/index.ts';
import { sumOfCents } from '../trading/rounding.ts';
import type { TradingState } from '../trading/trading-state.ts';
import type { BotContext } from './bot-context.ts';
import { cachedInstrument, UnusableInstrumentSpecError } from './instrument-cache.ts';

/** How old a held symbol's cached spec may be: its tick value values the position at its stop. */
const HELD_SPEC_MAX_AGE_MS = 15 * 60_000;

/**
 * Every position on the account (other bots' too: the correlation and account checks need them),
 * and what they lose at their stops together (lossAtStop, each in its own symbol's ticks, less
 * the swap each has built up). A symbol whose spec the broker reports unusable (a manual trade on
 * a symbol the terminal has not synchronised) is its own correlation group, and leaves the loss
 * unknown (null): only a bot that limits the account's day is refused for it, not every bot.
 */
async function accountPositions(
  em: EntityManager,
  broker: BrokerPort,
  account: string,
  { logger, accountLimited }: { logger: Logger; accountLimited: boolean },
): Promise<{ positions: OpenPosition[]; lossAtStops: number | null }> {
  const held = await broker.positions();
  const specs = new Map<string, InstrumentSpec | null>();
  for (const symbol of new Set(held.map((p) => p.symbol))) {
    try {
      const spec = await cachedInstrument(em, broker, account, symbol, {
        maxAgeMs: HELD_SPEC_MAX_AGE_MS,
        onStaleKept: (error, ageMs) =>
          logger.warn(
            { account, symbol, ageMs, err: error },
            "a held symbol's spec could not be read again: the cached one is used",
          ),
      });
      specs.set(symbol, spec);
    } catch (error) {
      if (!(error instanceof UnusableInstrumentSpecError)) throw error;
      // Only a bot that limits the account's day is refused for it: the others need not hear of it every cycle.
      if (accountLimited)
        logger.warn(
          { account, symbol, err: error },
          "a position's symbol has no usable spec: the account's day is unknown",
        );
      specs.set(symbol, null);
    }
  }
  const positions: OpenPosition[] = [];
  let lossAtStops: number | null = 0;
  for (const p of held) {
    const spec = specs.get(p.symbol) ?? null;
    const position = {
      magic: p.magic,
      symbol: p.symbol,
      side: p.side,
      volume: p.volume,
      openPrice: p.priceOpen,
      correlationGroup: spec?.correlationGroup ?? p.symbol,
      stopLoss: p.sl,
    };
    positions.push(position);
    // The swap it has built up is booked with its close.
    lossAtStops =
      spec === null || lossAtStops === null ? null : lossAtStops + lossAtStop(position, p.priceCurrent, spec) - p.swap;
  }
  return { positions, lossAtStops };
}

/**
 * The realised P&L of every trading deal on the account (any bot's, manual ones too) since `from`.
 * Read after the positions, and a minute past `now` as reconcile reads (the broker's clock may run
 * ahead of ours): a position closed between the two reads counts twice, never not at all.
 */
async function accountRealizedPnl(broker: BrokerPort, from: number, now: number): Promise<number> {
  const deals = await broker.deals({ from, to: now + 60_000 });
  return sumOfCents(deals.map((deal) => deal.profit + deal.commission + deal.swap));
}

export async function marketContext(
  em: EntityManager,
  broker: BrokerPort,
  context: BotContext,
  instrument: InstrumentSpec,
  tradingState: TradingState,
  now: number,
  logger: Logger,
): Promise<MarketContext> {
  const { bot, risk } = context;
  const [account, quote] = await Promise.all([broker.account(), broker.quote(bot.symbol)]);
  const dayStart = tradingDaysOf(risk).startOf(now);
  // The account's deals are read only for a bot that limits the account's day.
  const accountLimited = risk.maxAccountDailyLossPct > 0;
  const held = await accountPositions(em, broker, bot.brokerAccount, { logger, accountLimited });
  const [losses, dealsToday, accountRealized] = await Promise.all([
    em.find(Position, {
      bot: bot.id,
      status: 'closed',
      realizedPnl: { $lt: 0 },
      closedAt: { $gte: new Date(now - lossLookbackMs(risk)) },
    }),
    em.find(Execution, { bot: bot.id, executedAt: { $gte: new Date(dayStart), $lte: new Date(now) } }),
    accountLimited ? accountRealizedPnl(broker, dayStart, now) : null,
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
    openPositions: held.positions,
    instrument,
    quote: { bid: quote.bid, ask: quote.ask },
    now,
    nextCycleAt: cycleAfter(botCycleSchedule(bot), now),
    recentLosses: losses.map((p) => ({ closedAt: p.closedAt?.getTime() ?? now, pnl: p.realizedPnl ?? 0 })),
    dayRealizedPnl: sumOfCents(dealsToday.map((deal) => deal.profit + deal.commission + deal.swap)),
    accountDay:
      accountRealized === null || held.lossAtStops === null
        ? null
        : { realizedPnl: accountRealized, openLossAtStops: held.lossAtStops },
  };
}
