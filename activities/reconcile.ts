// Step 5: the broker's deals and positions become Executions and Positions. Deals are the truth:
// a position closed by SL/TP at the broker or by hand in the terminal is recognised from them.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerDeal, BrokerPort, BrokerPosition } from '../brokers/port.ts';
import { Execution, Order, Position, type IBot, type IOrder, type OrderStatus } from '../db/entities/index.ts';
import { loadBot } from './bot-context.ts';
import { closeReasonOf } from './close-reasons.ts';
import type { ActivityDeps } from './deps.ts';
import { adoptIfAtBroker, auditOrder } from './place-orders.ts';
import { settleUnplacedDecisions } from './settle-unplaced-decisions.ts';
import type { BotRef, ReconcileResult } from './types.ts';

/** Deals are re-read from a little before the last recorded one: the broker may report late. */
const OVERLAP_MS = 60 * 60_000;
/** Statuses of an order whose outcome nobody has learnt yet. */
const UNSETTLED: OrderStatus[] = ['new', 'sent', 'unknown'];
/**
 * An unsettled order the broker does not know this long after it was sent never reached it: by
 * then placeOrders' attempts (15 s each, four at most) are over and the cycle has ended.
 */
export const NEVER_SENT_GRACE_MS = 2 * 60_000;

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

async function recordExecutions(
  em: EntityManager,
  bot: IBot,
  deals: BrokerDeal[],
  orders: IOrder[],
): Promise<BrokerDeal[]> {
  const known = new Set(
    (
      await em.find(Execution, { brokerAccount: bot.brokerAccount, brokerDealId: { $in: deals.map((d) => d.ticket) } })
    ).map((e) => e.brokerDealId),
  );
  const fresh = deals.filter((d) => !known.has(d.ticket));
  for (const deal of fresh) {
    const order = orders.find(
      (o) => o.brokerTicket === deal.order || (deal.entry === 'in' && o.clientOrderId === deal.comment),
    );
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
    if (
      order &&
      deal.entry === 'in' &&
      (order.status === 'sent' || order.status === 'unknown' || order.status === 'new')
    ) {
      order.status = deal.volume < order.volume ? 'partially_filled' : 'filled';
      order.brokerTicket = deal.order;
    }
  }
  await em.flush();
  return fresh;
}

/** Rebuilds one position from all of its recorded deals, so running twice changes nothing. */
async function settlePosition(em: EntityManager, bot: IBot, positionId: string, live: BrokerPosition | undefined) {
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
    const trailed =
      openingOrder?.stopLoss != null && position.stopLoss != null && openingOrder.stopLoss !== position.stopLoss;
    position.status = 'closed';
    position.closedAt = lastExit.executedAt;
    position.closePrice = lastExit.price;
    position.realizedPnl = executions.reduce((sum, e) => sum + e.profit + e.commission + e.swap, 0);
    position.unrealizedPnl = null;
    position.closeReason = closeReasonOf(
      { reason: lastExit.reason as BrokerDeal['reason'], comment: lastExit.comment },
      trailed,
    );
  }
  await em.flush();
  return { opened: !existing, closed: fullyClosed && wasOpen };
}

/**
 * Settles the orders placeOrders left without an outcome (attempts exhausted, worker gone):
 * adopted if the broker has them by magic + comment, cancelled once the grace period is over if
 * not. Never resends. An order whose row lock is held has a send in flight: it is left alone.
 */
async function settleUnknownOrders(
  deps: ActivityDeps,
  bot: IBot,
  broker: BrokerPort,
): Promise<{ adopted: number; cancelled: number }> {
  const unsettled = await deps.orm.em
    .fork()
    .find(Order, { bot: bot.id, purpose: 'open', status: { $in: UNSETTLED } }, { orderBy: { id: 'asc' } });
  let adopted = 0;
  let cancelled = 0;
  for (const { id } of unsettled) {
    await deps.orm.em.fork().transactional(async (tx) => {
      const [order] = await tx.find(
        Order,
        { id, status: { $in: UNSETTLED } },
        { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, refresh: true },
      );
      if (!order) return;
      if (await adoptIfAtBroker(tx, order, bot.magic, broker, 'by reconcile')) {
        adopted++;
        return;
      }
      const since = order.sentAt ?? order.createdAt;
      if (deps.now() - since.getTime() < NEVER_SENT_GRACE_MS) return;
      const previousStatus = order.status;
      order.status = 'cancelled';
      order.error = `never reached the broker: no order with magic ${bot.magic} and comment ${order.clientOrderId} ${Math.round((deps.now() - since.getTime()) / 1000)} s after it was sent`;
      auditOrder(tx, order, 'order_cancelled', order.error, { previousStatus, retcode: order.retcode ?? null });
      cancelled++;
    });
  }
  return { adopted, cancelled };
}

export function reconcileActivity(deps: ActivityDeps) {
  return async function reconcile({ botId }: BotRef): Promise<ReconcileResult> {
    const em = deps.orm.em.fork();
    const { bot } = await loadBot(em, botId);
    const broker = deps.brokerFor(bot.brokerAccount);
    const latest = await em.findOne(Execution, { bot: botId }, { orderBy: { executedAt: 'desc' } });
    // A bot's magic is its own, so its first reconcile can read the account's whole history.
    const from = latest ? latest.executedAt.getTime() - OVERLAP_MS : 0;
    const deals = await broker.deals({ from, to: deps.now() + 60_000 }, { magic: bot.magic });
    const livePositions = await broker.positions({ magic: bot.magic });
    const orders = await ordersOf(em, botId, deals);
    const fresh = await recordExecutions(em, bot, deals, orders);
    const unknown = await settleUnknownOrders(deps, bot, broker);
    const unplaced = await settleUnplacedDecisions(deps, botId, NEVER_SENT_GRACE_MS);

    const touched = new Set([...fresh.map((d) => d.positionId), ...livePositions.map((p) => p.ticket)]);
    const stillOpen = await em.find(Position, { bot: botId, status: 'open' });
    for (const position of stillOpen) touched.add(position.brokerPositionId);
    let opened = 0;
    let closed = 0;
    for (const positionId of touched) {
      const result = await settlePosition(
        em,
        bot,
        positionId,
        livePositions.find((p) => p.ticket === positionId),
      );
      if (result.opened) opened++;
      if (result.closed) closed++;
    }
    return {
      newExecutions: fresh.length,
      positionsOpened: opened,
      positionsClosed: closed,
      ordersFilled: orders.filter((o) => o.status === 'filled' || o.status === 'partially_filled').length,
      ordersAdopted: unknown.adopted,
      ordersCancelled: unknown.cancelled + unplaced,
      openPositions: livePositions.length,
    };
  };
}
