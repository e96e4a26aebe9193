// A cycle's signals are decided one after another: a signal that opens is, for the ones after it,
// a position of the bot's and the margin it takes (and on the account's day, its loss at its stop),
// as they will be once its order fills. Decided on one snapshot instead, two strategies firing on
// the same bar would both pass max_positions, correlation_block and margin, and the bot would open
// both (or a buy and a sell at once).
import { requiredMargin } from '../margin.ts';
import type { TradeSide } from '../market.ts';
import { entryPriceOf } from '../sizing.ts';
import type { DecisionContext } from './context.ts';
import { closingPriceOf, lossAtStop } from './loss-at-stop.ts';

/** What a decision reads besides its signal: one snapshot of the bot, its account and the market. */
export type MarketContext = Omit<DecisionContext, 'signal'>;

/** The market after the bot opens `volume` lots on `side` at the current quote, with `stopLoss`. */
export function withOpened(
  market: MarketContext,
  side: TradeSide,
  volume: number,
  stopLoss: number | null,
): MarketContext {
  const { account, bot, instrument, quote } = market;
  const openPrice = entryPriceOf(side, quote);
  // What marginAvailable counts: the margin and the opening deal's commission.
  const taken = requiredMargin(volume, openPrice, instrument, account.leverage) + instrument.commissionPerLot * volume;
  const opened = { side, volume, openPrice, stopLoss };
  const { accountDay } = market;
  return {
    ...market,
    accountDay:
      accountDay === null
        ? null
        : {
            realizedPnl: accountDay.realizedPnl,
            // Its opening commission too: the account's deals hold it only once the order fills.
            openLossAtStops:
              accountDay.openLossAtStops +
              lossAtStop(opened, closingPriceOf(side, quote), instrument) +
              instrument.commissionPerLot * volume,
          },
    account: { ...account, freeMargin: account.freeMargin - taken },
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
