// Small helpers every part of the order store shares: the row lock, the lifecycle applied to a
// row, the audit row, and the outcome a step reports.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { transition, type OrderEvent } from '../../trading/orders/index.ts';
import { AuditLog, Order, type IOrder } from '../entities/index.ts';
import type { AuditTrace, OrderOutcome } from './types.ts';

/** Locks the Order row for the transaction, waiting for any other attempt's send to finish. */
export function lockOrder(tx: EntityManager, orderId: number): Promise<IOrder> {
  return tx.findOneOrFail(Order, orderId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
}

/** Moves the row through the lifecycle; an event its status does not allow throws. */
export function applyEvent(order: IOrder, event: OrderEvent): void {
  const next = transition({ status: order.status, attempts: order.attempts, volume: order.volume }, event);
  order.status = next.status;
  order.attempts = next.attempts;
}

export function auditOrder(
  em: EntityManager,
  trace: AuditTrace | null,
  order: IOrder,
  event: string,
  reason: string,
  data: Record<string, unknown> = {},
): void {
  em.create(AuditLog, {
    bot: order.bot.id,
    entity: 'order',
    entityId: order.clientOrderId,
    event,
    reason,
    data: { purpose: order.purpose, ...data },
    workflowId: trace?.workflowId ?? null,
    runId: trace?.runId ?? null,
  });
}

export function outcomeOf(order: IOrder, error: string | null = order.error ?? null): OrderOutcome {
  return {
    clientOrderId: order.clientOrderId,
    purpose: order.purpose,
    closeReason: order.closeReason ?? null,
    symbol: order.symbol,
    side: order.side,
    volume: order.volume,
    price: order.requestedPrice,
    status: order.status,
    retcode: order.retcode ?? null,
    retcodeName: order.retcodeName ?? null,
    brokerTicket: order.brokerTicket ?? null,
    error,
  };
}

/** An order the broker answered with a success and a ticket (10008 PLACED), still waiting for its deal. */
export function isAcknowledged(order: Pick<IOrder, 'status' | 'brokerTicket'>): boolean {
  return order.status === 'sent' && order.brokerTicket != null;
}
