// Step 4: orders exactly once (DESIGN §4). The Order row is written before the broker is called;
// an attempt that may have reached the broker looks the order up by magic + comment before any
// resend; a send passes the order gate, which a global halt closes.
//
// Temporal retries an attempt after its start-to-close timeout even when the attempt is not dead,
// only slow: two attempts may then run at once. So every step that reads an order's state and
// acts on it runs under the Order row's lock — the claim (look up, then mark `sent`) and the send
// (broker call and its result, in one transaction) — and a send goes out only if its claim is
// still the latest. A retry therefore waits for a send in flight and then sees its result.
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/activity';
import type { BrokerPort, TradeResult } from '../brokers/port.ts';
import { RETCODE } from '../brokers/retcodes.ts';
import { AuditLog, Decision, Order, type IOrder, type OrderStatus } from '../db/entities/index.ts';
import { passOrderGate } from '../db/order-send-gate.ts';
import { roundPrice, roundVolumeDown } from '../trading/rounding.ts';
import { loadBot, type BotContext } from './bot-context.ts';
import type { ActivityDeps } from './deps.ts';
import type { BotRef, OrderOutcome, OrderRequest } from './types.ts';

const TERMINAL_ORDER_STATUSES: readonly OrderStatus[] = ['filled', 'partially_filled', 'rejected', 'cancelled'];
/** Requotes are retried with a fresh price this many times within one attempt. */
const FRESH_PRICE_TRIES = 3;
/** How far before the first send the broker's history is searched for a lost order. */
const LOOKUP_MARGIN_MS = 60_000;

function outcomeOf(order: IOrder): OrderOutcome {
  return {
    clientOrderId: order.clientOrderId,
    status: order.status,
    retcode: order.retcode ?? null,
    retcodeName: order.retcodeName ?? null,
    brokerTicket: order.brokerTicket ?? null,
  };
}

function statusOfSuccess(retcode: number): OrderStatus {
  if (retcode === RETCODE.DONE) return 'filled';
  if (retcode === RETCODE.DONE_PARTIAL) return 'partially_filled';
  return 'sent';
}

async function writeOutbox(
  deps: ActivityDeps,
  context: BotContext,
  request: OrderRequest,
  broker: BrokerPort,
): Promise<IOrder> {
  const em = deps.orm.em.fork();
  const existing = await em.findOne(Order, { clientOrderId: request.clientOrderId });
  if (existing) return existing;
  const decision = await em.findOneOrFail(Decision, request.decisionId, { populate: ['signal'] });
  if (decision.action !== 'open' || decision.signal.bot.id !== context.bot.id) {
    throw ApplicationFailure.nonRetryable(
      `decision ${request.decisionId} is not an open decision of bot ${context.bot.id}`,
      'InvalidOrder',
    );
  }
  const quote = await broker.quote(context.bot.symbol);
  const side = decision.signal.direction;
  await em
    .createQueryBuilder(Order)
    .insert({
      bot: context.bot.id,
      decision: decision.id,
      clientOrderId: request.clientOrderId,
      purpose: 'open',
      symbol: context.bot.symbol,
      side,
      volume: decision.volume,
      requestedPrice: side === 'buy' ? quote.ask : quote.bid,
      stopLoss: decision.stopLoss ?? null,
      takeProfit: decision.takeProfit ?? null,
      status: 'new',
      // The engine's clock, like sentAt: reconcile measures an unsettled order's age by it.
      createdAt: new Date(deps.now()),
      updatedAt: new Date(),
    })
    .onConflict(['clientOrderId'])
    .ignore()
    .execute();
  return em.findOneOrFail(Order, { clientOrderId: request.clientOrderId });
}

/** Locks the Order row for the transaction, waiting for any other attempt's send to finish. */
function lockOrder(tx: EntityManager, orderId: number): Promise<IOrder> {
  return tx.findOneOrFail(Order, orderId, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
}

export function auditOrder(
  em: EntityManager,
  order: IOrder,
  event: string,
  reason: string,
  data: Record<string, unknown> = {},
): void {
  em.create(AuditLog, { bot: order.bot.id, entity: 'order', entityId: order.clientOrderId, event, reason, data });
}

/** Adopts the broker's order for `order` if the broker has one with its magic + comment. */
export async function adoptIfAtBroker(
  em: EntityManager,
  order: IOrder,
  magic: number,
  broker: BrokerPort,
  why: string,
): Promise<boolean> {
  const since = (order.sentAt ?? order.createdAt).getTime() - LOOKUP_MARGIN_MS;
  const found = await broker.findOrderByComment(magic, order.clientOrderId, since);
  if (!found) return false;
  order.status = found.state;
  order.brokerTicket = found.ticket;
  auditOrder(em, order, 'order_adopted', `found at the broker as order ${found.ticket} ${why}; not resent`);
  return true;
}

type Claim = { done: OrderOutcome } | { claimed: number };

/** Settles the order if it is settled or found at the broker; else marks it `sent` for one more send. */
function claimSend(deps: ActivityDeps, context: BotContext, orderId: number, broker: BrokerPort): Promise<Claim> {
  return deps.orm.em.fork().transactional(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (TERMINAL_ORDER_STATUSES.includes(order.status)) return { done: outcomeOf(order) };
    if (
      order.status !== 'new' &&
      (await adoptIfAtBroker(tx, order, context.bot.magic, broker, 'after an unknown outcome'))
    ) {
      await tx.flush();
      return { done: outcomeOf(order) };
    }
    order.status = 'sent';
    order.attempts += 1;
    order.sentAt ??= new Date(deps.now());
    await tx.flush();
    return { claimed: order.attempts };
  });
}

type Sent =
  | { kind: 'done'; outcome: OrderOutcome }
  | { kind: 'unknown'; reason: string }
  | { kind: 'requote' }
  /** Another attempt claimed the order after this one did: it owns the send now. */
  | { kind: 'superseded' };

function recordResult(order: IOrder, result: TradeResult): void {
  order.retcode = result.retcode;
  order.retcodeName = result.retcodeName;
  if (result.order) order.brokerTicket = result.order;
}

/** Applies the broker's answer to the locked order; runs inside the send's transaction. */
function applyResult(tx: EntityManager, order: IOrder, result: TradeResult | null, lastTry: boolean): Sent {
  if (result === null || result.outcome === 'unknown') {
    order.status = 'unknown';
    if (result) recordResult(order, result);
    return { kind: 'unknown', reason: result ? `${result.retcode} ${result.retcodeName}` : 'transport error' };
  }
  recordResult(order, result);
  if (result.outcome === 'success') {
    order.status = statusOfSuccess(result.retcode);
    auditOrder(tx, order, 'order_placed', `${result.retcode} ${result.retcodeName}`, {
      ticket: result.order,
      price: result.price,
    });
    return { kind: 'done', outcome: outcomeOf(order) };
  }
  if (result.outcome === 'rejected' || lastTry) {
    order.status = 'rejected';
    order.error =
      result.outcome === 'rejected'
        ? `${result.retcode} ${result.retcodeName}`
        : `${result.retcode} ${result.retcodeName} after ${FRESH_PRICE_TRIES} fresh prices`;
    auditOrder(tx, order, 'order_rejected', order.error, { retcode: result.retcode });
    return { kind: 'done', outcome: outcomeOf(order) };
  }
  // retry_fresh_price: nothing was executed; the next send goes out at the new quote.
  order.status = 'new';
  return { kind: 'requote' };
}

/**
 * One broker send for the claim `claimed`: the Order row stays locked from the check that the claim
 * is still the latest until the broker's answer is recorded, and the send passes the order gate in
 * that same transaction.
 */
function send(
  deps: ActivityDeps,
  context: BotContext,
  orderId: number,
  claimed: number,
  broker: BrokerPort,
  lastTry: boolean,
): Promise<Sent> {
  return deps.orm.em.fork().transactional(async (tx): Promise<Sent> => {
    const order = await lockOrder(tx, orderId);
    if (order.status !== 'sent' || order.attempts !== claimed) return { kind: 'superseded' };
    const gate = await passOrderGate(tx);
    if (gate.halted) {
      order.status = 'cancelled';
      order.error = `not sent: ${gate.reason ?? 'global kill-switch'}`;
      auditOrder(tx, order, 'order_cancelled', order.error);
      return { kind: 'done', outcome: outcomeOf(order) };
    }
    const instrument = await broker.instrument(order.symbol);
    const quote = await broker.quote(order.symbol);
    order.requestedPrice = order.side === 'buy' ? quote.ask : quote.bid;
    const request = {
      symbol: order.symbol,
      side: order.side,
      volume: roundVolumeDown(order.volume, instrument),
      price: order.requestedPrice,
      sl: order.stopLoss == null ? null : roundPrice(order.stopLoss, instrument),
      tp: order.takeProfit == null ? null : roundPrice(order.takeProfit, instrument),
      deviationPoints: context.risk.deviationPoints,
      magic: context.bot.magic,
      comment: order.clientOrderId,
    };
    let result: TradeResult | null;
    try {
      result = await broker.placeMarketOrder(request);
    } catch (error) {
      deps.logger.warn(
        { clientOrderId: order.clientOrderId, err: error },
        'order send failed in transport; outcome unknown',
      );
      result = null;
    }
    return applyResult(tx, order, result, lastTry);
  });
}

async function placeOrder(deps: ActivityDeps, context: BotContext, request: OrderRequest): Promise<OrderOutcome> {
  const broker = deps.brokerFor(context.bot.brokerAccount);
  const { id } = await writeOutbox(deps, context, request, broker);
  for (let tries = 1; ;) {
    const claim = await claimSend(deps, context, id, broker);
    if ('done' in claim) return claim.done;
    const sent = await send(deps, context, id, claim.claimed, broker, tries === FRESH_PRICE_TRIES);
    if (sent.kind === 'done') return sent.outcome;
    if (sent.kind === 'unknown') {
      throw ApplicationFailure.retryable(
        `order ${request.clientOrderId}: outcome unknown (${sent.reason}); the retry looks it up before any resend`,
        'BrokerOutcomeUnknown',
      );
    }
    if (sent.kind === 'requote') tries++;
  }
}

export function placeOrdersActivity(deps: ActivityDeps) {
  return async function placeOrders({ botId, orders }: BotRef & { orders: OrderRequest[] }): Promise<OrderOutcome[]> {
    const context = await loadBot(deps.orm.em.fork(), botId);
    const outcomes: OrderOutcome[] = [];
    const unknown: string[] = [];
    // One order's unknown outcome must not keep the cycle's other decisions from being sent.
    for (const request of orders) {
      try {
        outcomes.push(await placeOrder(deps, context, request));
      } catch (error) {
        if (!(error instanceof ApplicationFailure) || error.type !== 'BrokerOutcomeUnknown') throw error;
        unknown.push(error.message);
      }
    }
    if (unknown.length > 0) throw ApplicationFailure.retryable(unknown.join('; '), 'BrokerOutcomeUnknown');
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    if (rejected.length > 0) {
      const summary = rejected.map((o) => `${o.clientOrderId}: ${o.retcode} ${o.retcodeName}`).join('; ');
      throw ApplicationFailure.create({
        message: `broker rejected ${summary}`,
        type: 'BrokerRejected',
        nonRetryable: true,
        details: [outcomes],
      });
    }
    return outcomes;
  };
}
