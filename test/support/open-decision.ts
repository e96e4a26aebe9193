// An `open` decision of a bot written straight into the audit trail (Signal → Decision), as
// evaluateRisk would leave it, so a test can hand placeOrders exactly the orders it wants.
import type { BrokerPort } from '../../brokers/port.ts';
import { Decision, Signal, type IBot } from '../../db/entities/index.ts';
import type { Orm } from '../../db/orm.ts';
import { clientOrderIdFor } from '../../trading/orders/index.ts';

export interface OpenRequest {
  decisionId: number;
  clientOrderId: string;
}

/**
 * A buy of 0.1 lots on the bot's symbol, decided on the bar `barMinute` minutes into the day of
 * `now`, with its SL and TP 3.00 from the current quote — or, with `stops: 'wrong_side'`, with its
 * SL above the ask, which the broker refuses (10016 INVALID_STOPS).
 */
export async function openDecision(
  orm: Orm,
  broker: BrokerPort,
  bot: IBot,
  barMinute: number,
  stops: 'valid' | 'wrong_side' = 'valid',
): Promise<OpenRequest> {
  const quote = await broker.quote(bot.symbol);
  const stopLoss = stops === 'valid' ? quote.bid - 3 : quote.ask + 3;
  const takeProfit = quote.ask + 6;
  const em = orm.em.fork();
  const signal = em.create(Signal, {
    bot: bot.id,
    strategy: 'pin_bar',
    symbol: bot.symbol,
    direction: 'buy',
    barTime: new Date(Math.floor(quote.time / 86_400_000) * 86_400_000 + barMinute * 60_000),
    score: 0.8,
    entryPrice: quote.ask,
    stopLoss,
    takeProfit,
    payload: {},
  });
  const decision = em.create(Decision, {
    signal,
    action: 'open',
    score: 0.8,
    reason: 'all checks passed',
    checks: [],
    volume: 0.1,
    stopLoss,
    takeProfit,
  });
  await em.flush();
  return { decisionId: decision.id, clientOrderId: clientOrderIdFor(bot.id, decision.id) };
}
