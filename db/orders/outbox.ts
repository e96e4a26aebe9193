// The outbox: an Order row is written before anything is sent, under a key that is the same on
// every retry, so a retry finds the row instead of writing another.
import type { RequiredEntityData } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerPosition, Quote } from '../../brokers/port.ts';
import type { CloseReason } from '../../trading/close-reason.ts';
import { closeOrderIdFor, transition, UNSETTLED_STATUSES } from '../../trading/orders/index.ts';
import { Decision, Order, type IBot, type IOrder } from '../entities/index.ts';
import type { AuditTrace } from './types.ts';

export class InvalidOrderRequest extends Error {
  override name = 'InvalidOrderRequest';
}

type OrderRow = RequiredEntityData<IOrder>;

/** The cycle writing the order: its Web UI link in the audit API. */
const writtenBy = (trace: AuditTrace | null) => ({
  workflowId: trace?.workflowId ?? null,
  runId: trace?.runId ?? null,
});

/** Inserts the row unless its clientOrderId exists; returns the row under that key either way. */
async function insertOnce(
  em: EntityManager,
  row: OrderRow & { clientOrderId: string },
): Promise<{ order: IOrder; inserted: boolean }> {
  const result = await em.createQueryBuilder(Order).insert(row).onConflict(['clientOrderId']).ignore().execute();
  const order = await em.findOneOrFail(Order, { clientOrderId: row.clientOrderId });
  return { order, inserted: result.affectedRows > 0 };
}

/** The open order of an `open` decision of `bot`, at the current quote. */
export async function writeOpenOrder(
  em: EntityManager,
  bot: IBot,
  request: { decisionId: number; clientOrderId: string },
  quote: Quote,
  now: number,
  trace: AuditTrace | null,
): Promise<IOrder> {
  const existing = await em.findOne(Order, { clientOrderId: request.clientOrderId });
  if (existing) return existing;
  const decision = await em.findOne(Decision, request.decisionId, { populate: ['signal'] });
  if (!decision || decision.action !== 'open' || decision.signal.bot.id !== bot.id) {
    throw new InvalidOrderRequest(`decision ${request.decisionId} is not an open decision of bot ${bot.id}`);
  }
  const side = decision.signal.direction;
  const { order } = await insertOnce(em, {
    bot: bot.id,
    decision: decision.id,
    clientOrderId: request.clientOrderId,
    purpose: 'open',
    symbol: bot.symbol,
    side,
    volume: decision.volume,
    requestedPrice: side === 'buy' ? quote.ask : quote.bid,
    stopLoss: decision.stopLoss ?? null,
    takeProfit: decision.takeProfit ?? null,
    status: 'new',
    ...writtenBy(trace),
    // The engine's clock, like sentAt: reconcile measures an unsettled order's age by it.
    createdAt: new Date(now),
    updatedAt: new Date(),
  });
  return order;
}

/**
 * The order that closes `position` (all of it) for `reason`. A close of the position still
 * unsettled is resumed rather than doubled; after a rejected or cancelled close, or a partial one,
 * the next attempt gets the next key.
 */
export async function writeCloseOrder(
  em: EntityManager,
  bot: IBot,
  position: BrokerPosition,
  reason: CloseReason,
  quote: Quote,
  now: number,
  trace: AuditTrace | null,
): Promise<IOrder> {
  if (position.magic !== bot.magic) {
    throw new InvalidOrderRequest(
      `position ${position.ticket} has magic ${position.magic}, not bot ${bot.id}'s ${bot.magic}`,
    );
  }
  const earlier = await em.find(
    Order,
    { bot: bot.id, purpose: 'close', positionTicket: position.ticket },
    { orderBy: { id: 'asc' } },
  );
  const pending = earlier.find((order) => UNSETTLED_STATUSES.includes(order.status));
  if (pending) return pending;
  const side = position.side === 'buy' ? 'sell' : 'buy';
  const { order } = await insertOnce(em, {
    bot: bot.id,
    clientOrderId: closeOrderIdFor(bot.id, position.ticket, earlier.length + 1),
    purpose: 'close',
    positionTicket: position.ticket,
    closeReason: reason,
    symbol: position.symbol,
    side,
    volume: position.volume,
    requestedPrice: side === 'buy' ? quote.ask : quote.bid,
    status: 'new',
    ...writtenBy(trace),
    createdAt: new Date(now),
    updatedAt: new Date(),
  });
  return order;
}

/**
 * Closes an open decision whose order was never written (its placeOrders step failed before) with
 * a cancelled order under the decision's own key: a late attempt finds it and sends nothing.
 * Returns the row if this call wrote it.
 */
export async function writeNeverPlacedOrder(
  em: EntityManager,
  botId: number,
  decisionId: number,
  clientOrderId: string,
  error: string,
  now: number,
  trace: AuditTrace | null,
): Promise<IOrder | null> {
  const decision = await em.findOneOrFail(Decision, decisionId, { populate: ['signal'] });
  const cancelled = transition(
    { status: 'new', attempts: 0, volume: decision.volume },
    { type: 'never_reached_broker' },
  );
  const { order, inserted } = await insertOnce(em, {
    bot: botId,
    decision: decisionId,
    clientOrderId,
    purpose: 'open',
    symbol: decision.signal.symbol,
    side: decision.signal.direction,
    volume: decision.volume,
    requestedPrice: decision.signal.entryPrice,
    stopLoss: decision.stopLoss ?? null,
    takeProfit: decision.takeProfit ?? null,
    status: cancelled.status,
    error,
    ...writtenBy(trace),
    createdAt: new Date(now),
    updatedAt: new Date(),
  });
  return inserted ? order : null;
}
