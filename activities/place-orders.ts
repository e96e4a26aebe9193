// Step 4: orders exactly once (DESIGN §4). The Order row is written before the broker is called;
// an attempt that may have reached the broker looks the order up by magic + comment before any
// resend; a global halt holds a lock no send can pass.
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/activity';
import type { BrokerPort, TradeResult } from '../brokers/port.ts';
import { RETCODE } from '../brokers/retcodes.ts';
import { AuditLog, Decision, Order, type IOrder, type OrderStatus } from '../db/entities/index.ts';
import { throughOrderGate } from '../db/order-send-gate.ts';
import { roundPrice, roundVolumeDown } from '../trading/rounding.ts';
import { loadBot, type BotContext } from './bot-context.ts';
import type { ActivityDeps } from './deps.ts';
import type { BotRef, OrderOutcome, OrderRequest } from './types.ts';

const TERMINAL: readonly OrderStatus[] = ['filled', 'partially_filled', 'rejected', 'cancelled'];
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

async function writeOutbox(em: EntityManager, context: BotContext, request: OrderRequest, broker: BrokerPort): Promise<IOrder> {
  const existing = await em.findOne(Order, { clientOrderId: request.clientOrderId });
  if (existing) return existing;
  const decision = await em.findOneOrFail(Decision, request.decisionId, { populate: ['signal'] });
  if (decision.action !== 'open' || decision.signal.bot.id !== context.bot.id) {
    throw ApplicationFailure.nonRetryable(`decision ${request.decisionId} is not an open decision of bot ${context.bot.id}`, 'InvalidOrder');
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
      createdAt: new Date(),
      updatedAt: new Date(),
    })
    .onConflict(['clientOrderId'])
    .ignore()
    .execute();
  return em.findOneOrFail(Order, { clientOrderId: request.clientOrderId });
}

async function audit(em: EntityManager, order: IOrder, event: string, reason: string, data: Record<string, unknown> = {}) {
  em.create(AuditLog, { bot: order.bot.id, entity: 'order', entityId: order.clientOrderId, event, reason, data });
  await em.flush();
}

/** One broker send through the order gate: never after a global halt has been acknowledged. */
async function sendUnlessHalted(deps: ActivityDeps, em: EntityManager, context: BotContext, order: IOrder, broker: BrokerPort) {
  return throughOrderGate(em, async (killSwitch) => {
    if (killSwitch.halted) return { halted: true as const, reason: killSwitch.reason ?? 'global kill-switch' };
    const instrument = await broker.instrument(order.symbol);
    const quote = await broker.quote(order.symbol);
    const price = order.side === 'buy' ? quote.ask : quote.bid;
    const request = {
      symbol: order.symbol,
      side: order.side,
      volume: roundVolumeDown(order.volume, instrument),
      price,
      sl: order.stopLoss == null ? null : roundPrice(order.stopLoss, instrument),
      tp: order.takeProfit == null ? null : roundPrice(order.takeProfit, instrument),
      deviationPoints: context.risk.deviationPoints,
      magic: context.bot.magic,
      comment: order.clientOrderId,
    };
    try {
      return { halted: false as const, price, result: await broker.placeMarketOrder(request) };
    } catch (error) {
      deps.logger.warn({ clientOrderId: order.clientOrderId, err: error }, 'order send failed in transport; outcome unknown');
      return { halted: false as const, price, result: null };
    }
  });
}

async function adoptIfAtBroker(em: EntityManager, order: IOrder, magic: number, broker: BrokerPort): Promise<boolean> {
  const since = (order.sentAt ?? order.createdAt).getTime() - LOOKUP_MARGIN_MS;
  const found = await broker.findOrderByComment(magic, order.clientOrderId, since);
  if (!found) return false;
  order.status = found.state;
  order.brokerTicket = found.ticket;
  await audit(em, order, 'order_adopted', `found at the broker as order ${found.ticket} after an unknown outcome; not resent`);
  return true;
}

function recordResult(order: IOrder, result: TradeResult): void {
  order.retcode = result.retcode;
  order.retcodeName = result.retcodeName;
  if (result.order) order.brokerTicket = result.order;
}

async function placeOrder(deps: ActivityDeps, botId: number, request: OrderRequest): Promise<OrderOutcome> {
  const em = deps.orm.em.fork();
  const context = await loadBot(em, botId);
  const broker = deps.brokerFor(context.bot.brokerAccount);
  const order = await writeOutbox(em, context, request, broker);
  if (TERMINAL.includes(order.status)) return outcomeOf(order);
  if (order.status !== 'new' && (await adoptIfAtBroker(em, order, context.bot.magic, broker))) return outcomeOf(order);

  for (let attempt = 1; attempt <= FRESH_PRICE_TRIES; attempt++) {
    order.status = 'sent';
    order.attempts += 1;
    order.sentAt ??= new Date(deps.now());
    await em.flush();

    const sent = await sendUnlessHalted(deps, em, context, order, broker);
    if (sent.halted) {
      order.status = 'cancelled';
      order.error = `not sent: ${sent.reason}`;
      await audit(em, order, 'order_cancelled', order.error);
      return outcomeOf(order);
    }
    order.requestedPrice = sent.price;
    const result = sent.result;
    if (result === null || result.outcome === 'unknown') {
      order.status = 'unknown';
      if (result) recordResult(order, result);
      await em.flush();
      throw ApplicationFailure.retryable(
        `order ${order.clientOrderId}: outcome unknown (${result ? `${result.retcode} ${result.retcodeName}` : 'transport error'}); the retry looks it up before any resend`,
        'BrokerOutcomeUnknown',
      );
    }
    recordResult(order, result);
    if (result.outcome === 'success') {
      order.status = statusOfSuccess(result.retcode);
      await audit(em, order, 'order_placed', `${result.retcode} ${result.retcodeName}`, { ticket: result.order, price: result.price });
      return outcomeOf(order);
    }
    if (result.outcome === 'rejected') {
      order.status = 'rejected';
      order.error = `${result.retcode} ${result.retcodeName}`;
      await audit(em, order, 'order_rejected', order.error, { retcode: result.retcode });
      return outcomeOf(order);
    }
    // retry_fresh_price: nothing was executed; try again at the new quote.
    order.status = 'new';
    await em.flush();
  }
  order.status = 'rejected';
  order.error = `${order.retcode} ${order.retcodeName} after ${FRESH_PRICE_TRIES} fresh prices`;
  await audit(em, order, 'order_rejected', order.error, { retcode: order.retcode });
  return outcomeOf(order);
}

export function placeOrdersActivity(deps: ActivityDeps) {
  return async function placeOrders({ botId, orders }: BotRef & { orders: OrderRequest[] }): Promise<OrderOutcome[]> {
    const outcomes: OrderOutcome[] = [];
    for (const request of orders) outcomes.push(await placeOrder(deps, botId, request));
    const rejected = outcomes.filter((o) => o.status === 'rejected');
    if (rejected.length > 0) {
      const summary = rejected.map((o) => `${o.clientOrderId}: ${o.retcode} ${o.retcodeName}`).join('; ');
      throw ApplicationFailure.create({ message: `broker rejected ${summary}`, type: 'BrokerRejected', nonRetryable: true, details: [outcomes] });
    }
    return outcomes;
  };
}
