// The order a signal would become: entry at the side's price, the strategy's SL/TP (a sell's moved
// up by the spread) or the bot's defaults, on the tick grid, size from risk (spread and commission counted), and the
// margin it needs.
import { requiredMargin } from '../margin.ts';
import { pipsToPrice, roundPrice } from '../rounding.ts';
import { entryPriceOf, sizePosition } from '../sizing.ts';
import type { DecisionContext, OrderPlan } from './context.ts';

export function planOrder(context: DecisionContext): OrderPlan {
  const { signal, settings, instrument, quote, account } = context;
  const side = signal.direction;
  const towardsProfit = side === 'buy' ? 1 : -1;
  const entryPrice = entryPriceOf(side, quote);
  // A strategy reads its levels off Bid bars (a pin's nose, a doji's extreme), and a sell closes at
  // the Ask: its levels go up by the spread, so it exits when the Bid reaches the level the strategy
  // meant, as a buy does — a stop 1 pip above a high is not hit by the spread alone.
  const bidToClosing = side === 'sell' ? quote.ask - quote.bid : 0;
  const stopLoss = roundPrice(
    signal.stopLoss === null
      ? entryPrice - towardsProfit * pipsToPrice(settings.defaultSlPips, instrument)
      : signal.stopLoss + bidToClosing,
    instrument,
  );
  const defaultTakeProfit =
    settings.defaultTpPips > 0 ? entryPrice + towardsProfit * pipsToPrice(settings.defaultTpPips, instrument) : null;
  const takeProfitPrice = signal.takeProfit === null ? defaultTakeProfit : signal.takeProfit + bidToClosing;
  const size = sizePosition({
    balance: account.balance,
    riskPerTradePct: settings.riskPerTradePct,
    side,
    quote,
    stopLoss,
    instrument,
  });
  return {
    side,
    entryPrice,
    stopLoss,
    takeProfit: takeProfitPrice === null ? null : roundPrice(takeProfitPrice, instrument),
    size,
    requiredMargin: requiredMargin(size.volume, entryPrice, instrument, account.leverage),
  };
}
