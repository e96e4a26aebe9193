// Positions opened at the paper broker under a bot's magic, and what the broker and the database
// then hold about their closes: the broker's own history orders and exit deals side by side with
// the engine's close Order rows and exit Executions, to count one against the other.
import type { BrokerDeal, BrokerHistoryOrder, BrokerPort } from '../../brokers/port.ts';
import { Execution, Order, type IBot, type IExecution, type IOrder } from '../../db/entities/index.ts';
import type { Orm } from '../../db/orm.ts';

/** Opens 0.1 lots at the current quote under `magic` (a bot's, or another one's), without SL/TP. */
export async function openAtBroker(
  broker: BrokerPort,
  symbol: string,
  magic: number,
  side: 'buy' | 'sell',
  comment: string,
): Promise<string> {
  const quote = await broker.quote(symbol);
  const result = await broker.placeMarketOrder({
    symbol,
    side,
    volume: 0.1,
    price: side === 'buy' ? quote.ask : quote.bid,
    sl: null,
    tp: null,
    deviationPoints: 20,
    magic,
    comment,
  });
  if (result.outcome !== 'success' || result.order === null) throw new Error(`open refused: ${result.retcodeName}`);
  return result.order;
}

export interface CloseBook {
  /** The broker's history orders that closed `ticket` (every close the broker executed). */
  brokerCloses: BrokerHistoryOrder[];
  /** The broker's exit deals of `ticket`. */
  exitDeals: BrokerDeal[];
  /** The engine's close orders of `ticket`. */
  orders: IOrder[];
  /** The engine's exit Executions of `ticket`. */
  exits: IExecution[];
}

export async function closeBookOf(orm: Orm, broker: BrokerPort, bot: IBot, ticket: string): Promise<CloseBook> {
  const everything = { from: 0, to: Number.MAX_SAFE_INTEGER };
  const history = await broker.historyOrders(everything);
  const deals = await broker.deals(everything, { positionId: ticket });
  const em = orm.em.fork();
  return {
    // The order that opened the position carries the position's ticket too: only the others close it.
    brokerCloses: history.filter((o) => o.positionId === ticket && o.ticket !== ticket),
    exitDeals: deals.filter((d) => d.entry === 'out'),
    orders: await em.find(Order, { bot: bot.id, purpose: 'close', positionTicket: ticket }, { orderBy: { id: 'asc' } }),
    exits: await em.find(Execution, { brokerPositionId: ticket, brokerAccount: bot.brokerAccount, entry: 'out' }),
  };
}
