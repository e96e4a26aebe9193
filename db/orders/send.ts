// The send (README, "Orders exactly once"). Temporal retries an attempt after its start-to-close timeout even when the
// attempt is only slow, so two attempts may run at once. Every step that reads an order's state and
// acts on it therefore runs under the Order row's lock — the claim (look up, then mark `sent`) and
// the send (broker call and its answer, in one transaction) — and a send goes out only if its claim
// is still the latest. A retry waits for a send in flight and then sees its result.
import { setTimeout } from 'node:timers/promises';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MarketOrderRequest, TradeResult } from '../../brokers/port.ts';
import {
  FRESH_PRICE_TRIES,
  freshPricePauseMs,
  NEVER_SENT_GRACE_MS,
  UNSETTLED_STATUSES,
} from '../../trading/orders/index.ts';
import { roundPrice, roundVolumeDown } from '../../trading/rounding.ts';
import { OrderLookupPendingError } from '../../brokers/errors.ts';
import type { IOrder } from '../entities/index.ts';
import { passOrderGate } from './order-gate.ts';
import { applyEvent, auditOrder, isAcknowledged, lockOrder, outcomeOf } from './order-records.ts';
import { adoptIfAtBroker } from './settlement.ts';
import type { OrderOutcome, OrderStoreOptions, OrderVenue } from './types.ts';
import type { Orm } from '../orm.ts';

type Claim = { done: OrderOutcome } | { claimed: number };

type Sent =
  | { kind: 'done'; outcome: OrderOutcome }
  | { kind: 'requote' }
  /** Another attempt claimed the order after this one did: it owns the send now. */
  | { kind: 'superseded' };

/** Settles the order if it is settled or found at the broker; else claims it for one more send. */
function claimSend(orm: Orm, options: OrderStoreOptions, orderId: number, venue: OrderVenue): Promise<Claim> {
  return orm.em.fork().transactional(async (tx) => {
    const order = await lockOrder(tx, orderId);
    if (!UNSETTLED_STATUSES.includes(order.status)) return { done: outcomeOf(order) };
    // Acknowledged (10008 PLACED: accepted with a ticket, its deal still to come): it reached the
    // broker, which may not list it in its history yet; its deal settles it, never a resend.
    if (isAcknowledged(order)) return { done: outcomeOf(order) };
    // An open written but never sent within the grace (a late attempt): its signal is stale, and the
    // account's other bots no longer count it as pending. A close goes whenever it can.
    const unsentMs = options.now() - order.createdAt.getTime();
    if (order.purpose === 'open' && order.lastSentAt == null && unsentMs >= NEVER_SENT_GRACE_MS) {
      applyEvent(order, { type: 'never_reached_broker' });
      order.error = `never placed: written ${Math.round(unsentMs / 1000)} s ago and never sent, past the ${NEVER_SENT_GRACE_MS / 1000} s an open may wait; not sent late, the signal is stale`;
      auditOrder(tx, options.trace, order, 'order_cancelled', order.error, { decisionId: order.decision?.id ?? null });
      await tx.flush();
      return { done: outcomeOf(order) };
    }
    // Anything but `new` may have reached the broker: look before sending again.
    if (order.status !== 'new') {
      let found: boolean;
      try {
        found = await adoptIfAtBroker(tx, options.trace, order, venue, 'after an unknown outcome');
      } catch (error) {
        if (!(error instanceof OrderLookupPendingError)) throw error;
        return { done: notYetKnown(order, `${error.message}: not sent again until the broker settles it`) };
      }
      if (found) {
        await tx.flush();
        return { done: outcomeOf(order) };
      }
      const held = await stillMayExecute(options, order, venue);
      // The row stays as it is: a `sent` one may be another attempt's claim, its send on its way.
      if (held !== null) return { done: notYetKnown(order, held) };
    }
    applyEvent(order, { type: 'claimed' });
    const claimedAt = new Date(options.now());
    order.sentAt ??= claimedAt;
    order.lastSentAt = claimedAt;
    await tx.flush();
    return { claimed: order.attempts };
  });
}

/** An unknown outcome for the step (it fails, to be retried), the row left as it is. */
function notYetKnown(order: IOrder, why: string): OrderOutcome {
  return { ...outcomeOf(order, `outcome unknown: ${why}`), status: 'unknown' };
}

/**
 * Why an open that the broker does not show may still be on its way, or null: the engine gave up
 * on its latest send less than the broker's lateSendMs ago. It is then not sent again, only
 * looked up again later (by a retry of the step, or by reconcile). A close is sent again at once:
 * one that went through leaves its position gone, and the broker answers the second 10036.
 */
async function stillMayExecute(options: OrderStoreOptions, order: IOrder, venue: OrderVenue): Promise<string | null> {
  if (order.purpose !== 'open' || order.lastSentAt == null) return null;
  const lateSendMs = await venue.broker.lateSendMs();
  const sentAgoMs = options.now() - order.lastSentAt.getTime();
  if (sentAgoMs >= lateSendMs) return null;
  const until = new Date(order.lastSentAt.getTime() + lateSendMs).toISOString();
  return (
    `not at the broker ${Math.round(sentAgoMs / 1000)} s after its last send, which ` +
    `${venue.broker.name} may still execute until ${until}: looked up again, never resent before then`
  );
}

function openRequest(order: IOrder, venue: OrderVenue): MarketOrderRequest {
  const { instrument } = venue;
  return {
    symbol: order.symbol,
    side: order.side,
    volume: roundVolumeDown(order.volume, instrument),
    price: order.requestedPrice,
    sl: order.stopLoss == null ? null : roundPrice(order.stopLoss, instrument),
    tp: order.takeProfit == null ? null : roundPrice(order.takeProfit, instrument),
    deviationPoints: venue.deviationPoints,
    magic: venue.magic,
    comment: order.clientOrderId,
  };
}

/** Applies the broker's answer to the locked order; runs inside the send's transaction. */
function applyResult(
  tx: EntityManager,
  options: OrderStoreOptions,
  order: IOrder,
  result: TradeResult | null,
  lastTry: boolean,
): Sent {
  if (result === null || result.outcome === 'unknown') {
    applyEvent(order, { type: 'outcome_unknown' });
    // The broker's lateSendMs runs from when the engine stopped waiting, not from the claim.
    order.lastSentAt = new Date(options.now());
    if (result) Object.assign(order, { retcode: result.retcode, retcodeName: result.retcodeName });
    const why = result ? `${result.retcode} ${result.retcodeName}` : 'transport error';
    return {
      kind: 'done',
      outcome: outcomeOf(order, `outcome unknown (${why}): looked up at the broker before any resend`),
    };
  }
  order.retcode = result.retcode;
  order.retcodeName = result.retcodeName;
  if (result.order) order.brokerTicket = result.order;
  const answer = `${result.retcode} ${result.retcodeName}`;
  if (result.outcome === 'success') {
    applyEvent(order, { type: 'acknowledged', retcode: result.retcode });
    auditOrder(tx, options.trace, order, 'order_placed', answer, { ticket: result.order, price: result.price });
    return { kind: 'done', outcome: outcomeOf(order) };
  }
  if (result.outcome === 'rejected' || lastTry) {
    applyEvent(order, { type: 'rejected', retcode: result.retcode });
    order.error = result.outcome === 'rejected' ? answer : `${answer} after ${FRESH_PRICE_TRIES} fresh prices`;
    auditOrder(tx, options.trace, order, 'order_rejected', order.error, { retcode: result.retcode });
    return { kind: 'done', outcome: outcomeOf(order) };
  }
  // retry_fresh_price: nothing was executed; the next send goes out at the new quote.
  applyEvent(order, { type: 'requoted' });
  return { kind: 'requote' };
}

/**
 * One broker send for the claim `claimed`: the Order row stays locked from the check that the claim
 * is still the latest until the broker's answer is recorded. Opens pass the order gate, then the
 * bot's own trading state, in that same transaction; closes do not — a halt or a pause must never
 * stop the engine from reducing risk.
 */
function sendOnce(
  orm: Orm,
  options: OrderStoreOptions,
  orderId: number,
  claimed: number,
  venue: OrderVenue,
  lastTry: boolean,
): Promise<Sent> {
  return orm.em.fork().transactional(async (tx): Promise<Sent> => {
    const order = await lockOrder(tx, orderId);
    if (order.status !== 'sent' || order.attempts !== claimed) return { kind: 'superseded' };
    if (order.purpose === 'open') {
      const gate = await passOrderGate(tx);
      const refusal = gate.halted ? (gate.reason ?? 'global kill-switch') : ((await venue.openingRefusal?.()) ?? null);
      if (refusal !== null) {
        applyEvent(order, { type: 'halted' });
        order.error = `not sent: ${refusal}`;
        auditOrder(tx, options.trace, order, 'order_cancelled', order.error, {
          decisionId: order.decision?.id ?? null,
        });
        await tx.flush();
        return { kind: 'done', outcome: outcomeOf(order) };
      }
    }
    applyEvent(order, { type: 'sent' });
    const quote = await venue.broker.quote(order.symbol);
    order.requestedPrice = order.side === 'buy' ? quote.ask : quote.bid;
    let result: TradeResult | null;
    try {
      result =
        order.purpose === 'open'
          ? await venue.broker.placeMarketOrder(openRequest(order, venue))
          : await venue.broker.closePosition(order.positionTicket!, undefined, order.clientOrderId);
    } catch (error) {
      options.logger.warn(
        { clientOrderId: order.clientOrderId, err: error },
        'order send failed in transport; outcome unknown',
      );
      result = null;
    }
    const sent = applyResult(tx, options, order, result, lastTry);
    await tx.flush();
    return sent;
  });
}

/** Claims and sends until the order has an answer: settled, or `unknown` for the next attempt to look up. */
export async function executeOrder(
  orm: Orm,
  options: OrderStoreOptions,
  orderId: number,
  venue: OrderVenue,
): Promise<OrderOutcome> {
  for (let tries = 1; ;) {
    const claim = await claimSend(orm, options, orderId, venue);
    if ('done' in claim) return claim.done;
    const sent = await sendOnce(orm, options, orderId, claim.claimed, venue, tries === FRESH_PRICE_TRIES);
    if (sent.kind === 'done') {
      options.onSent?.(sent.outcome);
      return sent.outcome;
    }
    if (sent.kind === 'requote') {
      await setTimeout(freshPricePauseMs(tries));
      tries++;
    }
  }
}
