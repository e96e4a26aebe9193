// The broker's deals and positions become Executions and Positions. Deals are the truth: a position
// closed by SL/TP at the broker or by hand in the terminal is recognised from them.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerDeal, BrokerPosition } from '../brokers/port.ts';
import { Execution, Order, Position, type IBot, type IOrder } from '../db/entities/index.ts';
import type { OrderStore } from '../db/orders/index.ts';
import { closeReasonOf } from '../trading/close-reason.ts';

async function ordersOf(em: EntityManager, botId: number, deals: BrokerDeal[]): Promise<IOrder[]> {
  if (deals.length === 0) return [];
  return em.find(Order, {
    bot: botId,
    $or: [
      { clientOrderId: { $in: deals.map((d) => d.comment) } },
      { brokerTicket: { $in: deals.map((d) => d.order) } },
    ],
  });
}

/** Volume of `orderId`'s deals already recorded. */
async function recordedVolume(em: EntityManager, orderId: number): Promise<number> {
  const executions = await em.find(Execution, { order: orderId }, { fields: ['volume'] });
  return executions.reduce((sum, e) => sum + e.volume, 0);
}

/**
 * Records the deals not recorded yet, each linked to the engine's order that made it (opens by
 * their comment or ticket, closes too), and lets the order store settle those orders as filled.
 */
export async function recordDeals(
  em: EntityManager,
  store: OrderStore,
  bot: IBot,
  deals: BrokerDeal[],
): Promise<{ fresh: BrokerDeal[]; ordersFilled: number }> {
  const orders = await ordersOf(em, bot.id, deals);
  const known = new Set(
    (
      await em.find(Execution, { brokerAccount: bot.brokerAccount, brokerDealId: { $in: deals.map((d) => d.ticket) } })
    ).map((e) => e.brokerDealId),
  );
  const fresh = deals.filter((d) => !known.has(d.ticket));
  const filledVolume = new Map<number, number>();
  let ordersFilled = 0;
  for (const deal of fresh) {
    const order = orders.find((o) => o.brokerTicket === deal.order || o.clientOrderId === deal.comment);
    em.create(Execution, {
      bot: bot.id,
      order: order?.id ?? null,
      brokerAccount: bot.brokerAccount,
      brokerDealId: deal.ticket,
      brokerPositionId: deal.positionId,
      entry: deal.entry,
      side: deal.side,
      price: deal.price,
      volume: deal.volume,
      commission: deal.commission,
      swap: deal.swap,
      profit: deal.profit,
      reason: deal.reason,
      comment: deal.comment,
      executedAt: new Date(deal.time),
    });
    if (order) {
      order.brokerTicket ??= deal.order;
      const filled = (filledVolume.get(order.id) ?? (await recordedVolume(em, order.id))) + deal.volume;
      filledVolume.set(order.id, filled);
      if (store.fillFromDeal(em, order, filled, deal.ticket)) ordersFilled++;
    }
  }
  await em.flush();
  return { fresh, ordersFilled };
}

/** Rebuilds one position from all of its recorded deals, so running twice changes nothing. */
export async function settlePosition(
  em: EntityManager,
  bot: IBot,
  positionId: string,
  live: BrokerPosition | undefined,
) {
  const executions = await em.find(
    Execution,
    { brokerAccount: bot.brokerAccount, brokerPositionId: positionId },
    { orderBy: { executedAt: 'asc', id: 'asc' } },
  );
  const entries = executions.filter((e) => e.entry === 'in');
  const exits = executions.filter((e) => e.entry === 'out');
  const first = entries[0];
  if (!first) return { opened: false, closed: false };
  const volumeIn = entries.reduce((sum, e) => sum + e.volume, 0);
  const volumeOut = exits.reduce((sum, e) => sum + e.volume, 0);
  const existing = await em.findOne(Position, { brokerAccount: bot.brokerAccount, brokerPositionId: positionId });
  const position =
    existing ??
    em.create(Position, {
      bot: bot.id,
      openingOrder: first.order?.id ?? null,
      brokerAccount: bot.brokerAccount,
      brokerPositionId: positionId,
      symbol: bot.symbol,
      side: first.side,
      volume: volumeIn,
      openPrice: entries.reduce((sum, e) => sum + e.price * e.volume, 0) / volumeIn,
      stopLoss: live?.sl ?? null,
      takeProfit: live?.tp ?? null,
      openedAt: first.executedAt,
    });
  const wasOpen = position.status === 'open';
  const lastExit = exits.at(-1);
  const fullyClosed = lastExit !== undefined && volumeOut + 1e-9 >= volumeIn && !live;
  if (live) {
    position.volume = live.volume;
    position.stopLoss = live.sl;
    position.takeProfit = live.tp;
    position.unrealizedPnl = live.profit + live.swap;
  }
  if (fullyClosed && wasOpen) {
    const openingOrder = position.openingOrder ? await em.findOne(Order, position.openingOrder.id) : null;
    const closingOrder = lastExit.order ? await em.findOne(Order, lastExit.order.id) : null;
    const trailed =
      openingOrder?.stopLoss != null && position.stopLoss != null && openingOrder.stopLoss !== position.stopLoss;
    position.status = 'closed';
    position.closedAt = lastExit.executedAt;
    position.closePrice = lastExit.price;
    position.realizedPnl = executions.reduce((sum, e) => sum + e.profit + e.commission + e.swap, 0);
    position.unrealizedPnl = null;
    position.closeReason = closeReasonOf(lastExit, closingOrder?.closeReason ?? null, trailed);
  }
  await em.flush();
  return { opened: !existing, closed: fullyClosed && wasOpen };
}
