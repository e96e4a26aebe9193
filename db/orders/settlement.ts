// Settling what a send left open: adoption of an order the broker has (found by magic + comment),
// cancellation of one it never got, and fills learnt from the broker's deals. Never resends.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OrderLookupPendingError } from '../../brokers/errors.ts';
import { canTake, UNSETTLED_STATUSES } from '../../trading/orders/index.ts';
import { roundVolumeDown } from '../../trading/rounding.ts';
import { Order, type IOrder } from '../entities/index.ts';
import type { Orm } from '../orm.ts';
import { applyEvent, auditOrder, isAcknowledged } from './order-records.ts';
import type { AuditTrace, OrderStoreOptions, OrderVenue } from './types.ts';

/** How far before the first send the broker's history is searched for a lost order. */
const LOOKUP_MARGIN_MS = 60_000;

/** Adopts the broker's order for `order` if the broker has one with its magic + comment. */
export async function adoptIfAtBroker(
  em: EntityManager,
  trace: AuditTrace | null,
  order: IOrder,
  venue: OrderVenue,
  why: string,
): Promise<boolean> {
  const since = (order.sentAt ?? order.createdAt).getTime() - LOOKUP_MARGIN_MS;
  // An open whose comment the broker rewrote is still found by what was sent (the adapters take
  // only an order that opened a position). A close is not: the close of another position, or its
  // SL/TP exit, could pass for it, and a close taken for done would leave its position open; one
  // resent instead is answered 10036 when the first went through.
  const hint =
    order.purpose === 'open'
      ? { symbol: order.symbol, side: order.side, volume: roundVolumeDown(order.volume, venue.instrument) }
      : undefined;
  const found = await venue.broker.findOrderByComment(venue.magic, order.clientOrderId, since, hint);
  if (!found) return false;
  applyEvent(order, { type: 'adopted', brokerState: found.state });
  order.brokerTicket = found.ticket;
  auditOrder(em, trace, order, 'order_adopted', `found at the broker as order ${found.ticket} ${why}; not resent`);
  return true;
}

/**
 * The bot's orders left without an outcome (attempts exhausted, worker gone): adopted if the
 * broker has them, cancelled if not once `graceMs` (at least the broker's lateSendMs) has passed
 * since the latest send. An order whose row lock is held has a send in flight, and one the broker
 * reports still in flight is not final yet: both are left alone.
 */
export async function settleUnsettledOrders(
  orm: Orm,
  options: OrderStoreOptions,
  botId: number,
  venue: OrderVenue,
  graceMs: number,
): Promise<{ adopted: number; cancelled: number }> {
  const unsettled = await orm.em
    .fork()
    .find(Order, { bot: botId, status: { $in: [...UNSETTLED_STATUSES] } }, { orderBy: { id: 'asc' } });
  let adopted = 0;
  let cancelled = 0;
  for (const { id } of unsettled) {
    await orm.em.fork().transactional(async (tx) => {
      const [order] = await tx.find(
        Order,
        { id, status: { $in: [...UNSETTLED_STATUSES] } },
        { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, refresh: true },
      );
      if (!order) return;
      try {
        if (await adoptIfAtBroker(tx, options.trace, order, venue, 'by reconcile')) {
          adopted++;
          return;
        }
      } catch (error) {
        // Still in flight at the broker (or in its adapter): left for a later reconcile, as a
        // locked row is, while the bot's other orders are settled.
        if (!(error instanceof OrderLookupPendingError)) throw error;
        options.logger.info(
          { clientOrderId: order.clientOrderId, reason: error.message },
          'order still pending at the broker',
        );
        return;
      }
      // From the latest send (or the moment the engine gave up on its answer): one the broker may
      // still execute (its lateSendMs) is not given up on.
      const since = order.lastSentAt ?? order.sentAt ?? order.createdAt;
      const ageMs = options.now() - since.getTime();
      const waitMs = Math.max(graceMs, await venue.broker.lateSendMs());
      // Acknowledged with a ticket: it reached the broker, whatever its history says yet.
      if (ageMs < waitMs || isAcknowledged(order)) return;
      const previousStatus = order.status;
      applyEvent(order, { type: 'never_reached_broker' });
      order.error = `never reached the broker: no order with magic ${venue.magic} and comment ${order.clientOrderId} ${Math.round(ageMs / 1000)} s after it was last sent`;
      auditOrder(tx, options.trace, order, 'order_cancelled', order.error, {
        previousStatus,
        retcode: order.retcode ?? null,
      });
      cancelled++;
    });
  }
  return { adopted, cancelled };
}

/**
 * A deal of `order` was recorded and `filledVolume` of it is now filled. Returns true when this
 * made an unsettled order filled. A deal for an order the engine had settled as rejected or
 * cancelled contradicts the broker: it is logged and audited for a human, never hidden.
 */
export function fillFromDeal(
  em: EntityManager,
  options: OrderStoreOptions,
  order: IOrder,
  filledVolume: number,
  deal: string,
): boolean {
  const event = { type: 'filled_by_deal', filledVolume } as const;
  if (order.status === 'filled') return false;
  if (!canTake(order, event)) {
    const reason = `the broker reports deal ${deal} for order ${order.clientOrderId}, which the engine had settled as ${order.status}`;
    options.logger.error({ clientOrderId: order.clientOrderId, status: order.status, deal }, reason);
    auditOrder(em, options.trace, order, 'order_inconsistent', reason, { deal, status: order.status });
    return false;
  }
  const wasUnsettled = UNSETTLED_STATUSES.includes(order.status);
  applyEvent(order, event);
  return wasUnsettled;
}
