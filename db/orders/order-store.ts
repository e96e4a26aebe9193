// The one owner of an order's life (NautilusTrader's execution engine is the model): the outbox
// row, the claim and the send under the row lock and the order gate, adoption, cancellation and
// fills. Steps (placeOrders, reconcile, the kill-switch's closes) are thin callers of it.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BrokerPosition } from '../../brokers/port.ts';
import type { CloseReason } from '../../trading/close-reason.ts';
import { clientOrderIdFor, NEVER_SENT_GRACE_MS, UNSETTLED_STATUSES } from '../../trading/orders/index.ts';
import { Decision, Order, type IBot, type IOrder } from '../entities/index.ts';
import type { Orm } from '../orm.ts';
import { auditOrder } from './order-records.ts';
import { writeCloseOrder, writeNeverPlacedOrder, writeOpenOrder } from './outbox.ts';
import { executeOrder } from './send.ts';
import { fillFromDeal, settleUnsettledOrders } from './settlement.ts';
import type { OrderOutcome, OrderStoreOptions, OrderVenue } from './types.ts';

export class OrderStore {
  private readonly orm: Orm;
  private readonly options: OrderStoreOptions;

  constructor(orm: Orm, options: OrderStoreOptions) {
    this.orm = orm;
    this.options = options;
  }

  /** Sends the order of an `open` decision exactly once; a retry resumes it. */
  async placeOpen(
    bot: IBot,
    request: { decisionId: number; clientOrderId: string },
    venue: OrderVenue,
  ): Promise<OrderOutcome> {
    const quote = await venue.broker.quote(bot.symbol);
    // After the quote, which may take seconds: the order is written straight after the check.
    await this.cancelIfStale(bot.id, request);
    const order = await writeOpenOrder(this.orm.em.fork(), bot, request, quote, this.options.now(), this.options.trace);
    return executeOrder(this.orm, this.options, order.id, venue);
  }

  /** Closes all of `position` (one of the bot's) exactly once per intent; a retry never closes twice. */
  async close(bot: IBot, position: BrokerPosition, reason: CloseReason, venue: OrderVenue): Promise<OrderOutcome> {
    const quote = await venue.broker.quote(position.symbol);
    const order = await writeCloseOrder(
      this.orm.em.fork(),
      bot,
      position,
      reason,
      quote,
      this.options.now(),
      this.options.trace,
    );
    return executeOrder(this.orm, this.options, order.id, venue);
  }

  /**
   * The bot's close orders still without an outcome (an earlier attempt's lost reply, timeout or
   * death), oldest first, whether or not their position is still open at the broker.
   */
  unsettledCloses(botId: number): Promise<IOrder[]> {
    return this.orm.em
      .fork()
      .find(
        Order,
        { bot: botId, purpose: 'close', status: { $in: [...UNSETTLED_STATUSES] } },
        { orderBy: { id: 'asc' } },
      );
  }

  /** Resumes an unsettled close: looked up at the broker first, sent again only if it is not there. */
  resumeClose(order: IOrder, venue: OrderVenue): Promise<OrderOutcome> {
    return executeOrder(this.orm, this.options, order.id, venue);
  }

  /** Adopts or cancels the bot's orders left without an outcome; never resends. */
  settleUnsettled(botId: number, venue: OrderVenue, graceMs: number): Promise<{ adopted: number; cancelled: number }> {
    return settleUnsettledOrders(this.orm, this.options, botId, venue, graceMs);
  }

  /**
   * A decision of the bot's without an order, decided NEVER_SENT_GRACE_MS ago or more (a placeOrders
   * task that waited out a worker's absence, a cycle started by hand without a deadline), ends
   * with a cancelled order instead of going out late: its signal is stale, and the account's other
   * bots no longer count it as pending (activities/pending-opens.ts).
   */
  private async cancelIfStale(botId: number, request: { decisionId: number; clientOrderId: string }): Promise<void> {
    const em = this.orm.em.fork();
    if ((await em.count(Order, { clientOrderId: request.clientOrderId })) > 0) return;
    const decision = await em.findOne(Decision, request.decisionId, { populate: ['signal'] });
    if (!decision || decision.action !== 'open' || decision.signal.bot.id !== botId) return;
    // On this machine's clock, which wrote the row.
    const ageMs = Date.now() - decision.createdAt.getTime();
    if (ageMs < NEVER_SENT_GRACE_MS) return;
    await this.writeNeverPlaced(
      em,
      botId,
      decision.id,
      request.clientOrderId,
      `never placed: decided ${Math.round(ageMs / 1000)} s ago, past the ${NEVER_SENT_GRACE_MS / 1000} s a decision may wait to be sent; not sent late, the signal is stale`,
    );
  }

  /** The cancelled order of a decision never sent, audited; false if another attempt wrote it first. */
  private async writeNeverPlaced(
    em: EntityManager,
    botId: number,
    decisionId: number,
    clientOrderId: string,
    error: string,
  ): Promise<boolean> {
    const order = await writeNeverPlacedOrder(
      em,
      botId,
      decisionId,
      clientOrderId,
      error,
      this.options.now(),
      this.options.trace,
    );
    if (!order) return false;
    auditOrder(em, this.options.trace, order, 'order_cancelled', error, { decisionId });
    await em.flush();
    return true;
  }

  /**
   * Open decisions older than `graceMs` whose order was never written end with a cancelled order
   * under their own key, so every open decision has exactly one terminal order.
   */
  async cancelNeverPlaced(botId: number, graceMs: number): Promise<number> {
    const em = this.orm.em.fork();
    // The database's clock against the decision's creation time (this machine's): no cycle clock
    // enters this comparison.
    const unplaced = await em.execute<{ id: number }[]>(
      `select d.id from decision d
         join signal s on s.id = d.signal_id
         left join "order" o on o.decision_id = d.id
        where s.bot_id = ? and d.action = 'open' and o.id is null and d.created_at < now() - make_interval(secs => ?)`,
      [botId, graceMs / 1000],
    );
    const error =
      'never placed: the placeOrders step for this decision did not complete; not sent later, the signal is stale';
    let cancelled = 0;
    for (const { id } of unplaced) {
      if (await this.writeNeverPlaced(em, botId, id, clientOrderIdFor(botId, id), error)) cancelled++;
    }
    return cancelled;
  }

  /** A recorded deal fills `order` up to `filledVolume`; true when this settled an unsettled order. */
  fillFromDeal(em: EntityManager, order: IOrder, filledVolume: number, deal: string): boolean {
    return fillFromDeal(em, this.options, order, filledVolume, deal);
  }
}
