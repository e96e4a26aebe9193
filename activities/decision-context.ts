// Gathers everything a risk decision depends on, from the broker and the database, at one moment.
import type { EntityManager } from '@mikro-orm/postgresql';
import { cycleAfter } from '../backtest/cycle-schedule.ts';
import { botCycleSchedule } from '../bots/cycle-timing.ts';
import type { BrokerPort } from '../brokers/port.ts';
import type { Logger } from '../infra/logger.ts';
import { Execution, Position } from '../db/entities/index.ts';
import type { InstrumentSpec, Quote } from '../trading/market.ts';
import {
  lossAtStop,
  lossLookbackMs,
  type MarketContext,
  type OpenPosition,
  pendingOpenLoss,
  type RiskSettings,
  tradingDaysOf,
} from '../trading/risk/index.ts';
import { closingPriceOf, entryPriceOf } from '../trading/sizing.ts';
import { sumOfCents } from '../trading/rounding.ts';
import type { TradingState } from '../trading/trading-state.ts';
import type { BotContext } from './bot-context.ts';
import { cachedInstrument, UnusableInstrumentSpecError } from './instrument-cache.ts';
import { pendingOpens } from './pending-opens.ts';

/** How old a held symbol's cached spec may be: its tick value values the position at its stop. */
const HELD_SPEC_MAX_AGE_MS = 15 * 60_000;

/**
 * The specs of `symbols` as cached, each read again once 15 minutes old (a cross pair's tick value
 * moves). A symbol whose spec the broker reports unusable (a manual trade on a symbol the terminal
 * has not synchronised) maps to null: only a bot that limits the account's day is refused for it,
 * not every bot.
 */
async function specsOf(
  em: EntityManager,
  broker: BrokerPort,
  account: string,
  symbols: Iterable<string>,
  { logger, accountLimited }: { logger: Logger; accountLimited: boolean },
): Promise<Map<string, InstrumentSpec | null>> {
  const specs = new Map<string, InstrumentSpec | null>();
  for (const symbol of new Set(symbols)) {
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
          "a symbol held on the account, or about to be, has no usable spec: the account's day is unknown",
        );
      specs.set(symbol, null);
    }
  }
  return specs;
}

/**
 * Whether the bot's checks read the whole account's pending opens: an account-wide limit (its day,
 * its positions) that two bots deciding at once could each pass. Such a bot decides holding the
 * account's lease (evaluate-risk.ts).
 */
export function readsAccountPendingOpens(risk: RiskSettings): boolean {
  return risk.maxAccountDailyLossPct > 0 || risk.maxAccountPositions > 0;
}

/**
 * Every position on the account (other bots' too: the correlation and account checks need them),
 * and what they lose at their stops (lossAtStop, each in its own symbol's ticks, less the swap each
 * has built up). With `decidingSignals` (readsAccountPendingOpens), the account's pending opens as
 * well: positions to be, and their loss at their stops with the opening commission
 * (pendingOpenLoss). They are read before the positions: an order that fills between the two reads
 * counts twice, never not at all. The loss is null where a symbol's spec is unusable: the day is
 * unknown (`dayLimited`: the bot is told so, as only its checks need it).
 */
async function accountPositions(
  em: EntityManager,
  broker: BrokerPort,
  account: string,
  quote: Quote & { symbol: string },
  now: number,
  {
    logger,
    decidingSignals,
    dayLimited,
  }: { logger: Logger; decidingSignals: readonly number[] | null; dayLimited: boolean },
): Promise<{ positions: OpenPosition[]; lossAtStops: number | null }> {
  const pending =
    decidingSignals === null
      ? []
      : await pendingOpens(em, account, decidingSignals, { now, lateSendMs: await broker.lateSendMs() });
  const held = await broker.positions();
  const symbols = [...held, ...pending].map((p) => p.symbol);
  const specs = await specsOf(em, broker, account, symbols, { logger, accountLimited: dayLimited });
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
  for (const open of pending) {
    const spec = specs.get(open.symbol) ?? null;
    // Of the bot's own symbol, an open not sent yet goes at the quote now, and would close at it.
    const quoted = open.symbol === quote.symbol;
    const openPrice = open.sentPrice ?? (quoted ? entryPriceOf(open.side, quote) : open.signalPrice);
    const priceNow = quoted ? closingPriceOf(open.side, quote) : openPrice;
    positions.push({
      magic: open.magic,
      symbol: open.symbol,
      side: open.side,
      volume: open.volume,
      openPrice,
      correlationGroup: spec?.correlationGroup ?? open.symbol,
      stopLoss: open.stopLoss,
    });
    lossAtStops =
      spec === null || lossAtStops === null
        ? null
        : lossAtStops + pendingOpenLoss({ ...open, openPrice, priceNow, instrument: spec });
  }
  return { positions, lossAtStops };
}

/**
 * The realised P&L of every trading deal on the account (any bot's, manual ones too) since `from`,
 * with the charges the broker booked as deals of their own (a daily commission, a fee, interest,
 * tax: BrokerCharge). Read after the positions, and a minute past `now` as reconcile reads (the
 * broker's clock may run ahead of ours): a position closed between the two reads counts twice,
 * never not at all.
 */
async function accountRealizedPnl(broker: BrokerPort, from: number, now: number): Promise<number> {
  const range = { from, to: now + 60_000 };
  const [deals, charges] = await Promise.all([broker.deals(range), broker.charges(range)]);
  return sumOfCents([
    ...deals.map((deal) => deal.profit + deal.commission + deal.swap),
    ...charges.map((charge) => charge.amount),
  ]);
}

export async function marketContext(
  em: EntityManager,
  broker: BrokerPort,
  context: BotContext,
  instrument: InstrumentSpec,
  tradingState: TradingState,
  now: number,
  { logger, decidingSignals }: { logger: Logger; decidingSignals: readonly number[] },
): Promise<MarketContext> {
  const { bot, risk } = context;
  const [account, quote] = await Promise.all([broker.account(), broker.quote(bot.symbol)]);
  const dayStart = tradingDaysOf(risk).startOf(now);
  // The account's deals are read only for a bot that limits the account's day; its pending opens
  // for one with an account-wide limit of either kind.
  const accountLimited = risk.maxAccountDailyLossPct > 0;
  const held = await accountPositions(em, broker, bot.brokerAccount, { ...quote, symbol: bot.symbol }, now, {
    logger,
    decidingSignals: readsAccountPendingOpens(risk) ? decidingSignals : null,
    dayLimited: accountLimited,
  });
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
