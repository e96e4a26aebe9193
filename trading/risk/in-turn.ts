// A cycle's signals are decided one after another: a signal that opens is, for the ones after it,
// a position of the bot's, the margin it takes and its opening commission (off the balance, and in
// the day's realised P&L), as they will be once its order fills. Decided on one snapshot instead,
// two strategies firing on the same bar would both pass max_positions, correlation_block, margin
// and the daily loss limits, and the bot would open both (or a buy and a sell at once).
import { requiredMargin } from '../margin.ts';
import type { TradeSide } from '../market.ts';
import { closingPriceOf, entryPriceOf } from '../sizing.ts';
import type { DecisionContext } from './context.ts';
import { lossAtStop } from './loss-at-stop.ts';

/** What a decision reads besides its signal: one snapshot of the bot, its account and the market. */
export type MarketContext = Omit<DecisionContext, 'signal'>;

/** The market after the bot opens `volume` lots on `side` at the current quote, with `stopLoss`. */
export function withOpened(
  market: MarketContext,
  side: TradeSide,
  volume: number,
  stopLoss: number | null,
): MarketContext {
  const { account, accountDay, bot, instrument, quote } = market;
  const openPrice = entryPriceOf(side, quote);
  // As its fill will: the opening deal's commission comes off the balance and is the day's realised
  // P&L (the bot's and the account's); marginAvailable counts it with the margin.
  const commission = instrument.commissionPerLot * volume;
  const taken = requiredMargin(volume, openPrice, instrument, account.leverage) + commission;
  const atStop = lossAtStop({ side, volume, openPrice, stopLoss }, closingPriceOf(side, quote), instrument);
  return {
    ...market,
    account: { ...account, balance: account.balance - commission, freeMargin: account.freeMargin - taken },
    dayRealizedPnl: market.dayRealizedPnl - commission,
    accountDay:
      accountDay === null
        ? null
        : { realizedPnl: accountDay.realizedPnl - commission, openLossAtStops: accountDay.openLossAtStops + atStop },
    openPositions: [
      ...market.openPositions,
      {
        magic: bot.magic,
        symbol: instrument.symbol,
        side,
        volume,
        openPrice,
        correlationGroup: instrument.correlationGroup,
        stopLoss,
      },
    ],
  };
}
