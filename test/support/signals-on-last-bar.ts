// Signals of a bot on its last closed bar written straight into the audit trail, as runStrategies
// would leave them, so a test can hand evaluateRisk exactly the signals it wants.
import { Signal, type IBot } from '../../db/entities/index.ts';
import type { TradeSide } from '../../trading/market.ts';
import type { StrategyName } from '../../trading/strategies/index.ts';
import type { TestEngine } from './engine.ts';

/** One signal per strategy, each with SL and TP 3.00 / 4.50 from the quote; returns their ids. */
export async function signalsOnLastBar(
  engine: TestEngine,
  bot: IBot,
  fired: Array<[StrategyName, TradeSide]>,
): Promise<number[]> {
  const quote = await engine.brokerFor(bot.brokerAccount).quote(bot.symbol);
  const em = engine.db.orm.em.fork();
  const barTime = new Date(Math.floor(quote.time / 60_000) * 60_000 - 60_000);
  const signals = fired.map(([strategy, direction]) =>
    em.create(Signal, {
      bot: bot.id,
      strategy,
      symbol: bot.symbol,
      direction,
      barTime,
      score: 0.8,
      entryPrice: direction === 'buy' ? quote.ask : quote.bid,
      stopLoss: direction === 'buy' ? quote.bid - 3 : quote.ask + 3,
      takeProfit: direction === 'buy' ? quote.ask + 4.5 : quote.bid - 4.5,
      payload: {},
    }),
  );
  await em.flush();
  return signals.map((signal) => signal.id);
}
