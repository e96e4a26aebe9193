// An order's life as a pure state machine: the one place that says which status an order may
// move to, on which event. The order store applies it to the Order row under the row's lock.
//
//   new ──claimed──▶ sent ──acknowledged──▶ filled | partially_filled | sent (PLACED, awaiting its deal)
//    ▲                │ ├──rejected──────▶ rejected
//    └───requoted─────┘ ├──outcome_unknown─▶ unknown ──claimed──▶ sent (after a lookup found nothing)
//                       └──halted─────────▶ cancelled (the order gate was closed: never sent)
//   new | sent | unknown ──adopted (found at the broker)──▶ the broker's state
//   new | sent | unknown ──never_reached_broker──▶ cancelled
//   new | sent | unknown | partially_filled ──filled_by_deal──▶ filled | partially_filled

export const ORDER_STATUSES = [
  'new',
  'sent',
  'filled',
  'partially_filled',
  'rejected',
  'cancelled',
  'unknown',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Statuses of an order whose outcome nobody has learnt yet: reconcile looks these up. */
export const UNSETTLED_STATUSES: readonly OrderStatus[] = ['new', 'sent', 'unknown'];
/** Statuses no send can change any more. */
export const SETTLED_STATUSES: readonly OrderStatus[] = ['filled', 'partially_filled', 'rejected', 'cancelled'];
/** Statuses of an order that reached the broker and was answered. */
export const SENT_STATUSES: readonly OrderStatus[] = ['sent', 'filled', 'partially_filled', 'rejected', 'unknown'];

/** MT5 success retcodes, as the broker answers a send. */
const PLACED = 10008;
const DONE = 10009;
const DONE_PARTIAL = 10010;

/** A fill is complete when the filled volume is within this of the order's (volumes are on a 0.01-ish grid). */
const VOLUME_TOLERANCE = 1e-9;

export type OrderEvent =
  /** An attempt takes the send (under the row lock); `attempts` counts the claims. */
  | { type: 'claimed' }
  /** The request leaves for the broker, under the claim it is sent for. */
  | { type: 'sent' }
  /** The broker answered with a success retcode (10008 PLACED, 10009 DONE, 10010 DONE_PARTIAL). */
  | { type: 'acknowledged'; retcode: number }
  /** The broker answered with a hard reject; nothing was executed. */
  | { type: 'rejected'; retcode: number }
  /** The broker asks for a fresh price (requote family); nothing was executed, the next send may go. */
  | { type: 'requoted' }
  /** Nobody knows whether the broker executed it (10012, 10031, transport error, lost reply). */
  | { type: 'outcome_unknown' }
  /** The global halt closed the order gate before the request left. */
  | { type: 'halted' }
  /** The broker has the order (found by magic + comment): its state is the truth. */
  | { type: 'adopted'; brokerState: 'filled' | 'partially_filled' | 'rejected' | 'cancelled' }
  /** The broker does not have it after the grace period, or it was never placed at all. */
  | { type: 'never_reached_broker' }
  /** A deal of the order was recorded; `filledVolume` is the order's filled volume so far. */
  | { type: 'filled_by_deal'; filledVolume: number };

export interface OrderLifecycleState {
  status: OrderStatus;
  attempts: number;
  volume: number;
}

export class IllegalOrderTransition extends Error {
  override name = 'IllegalOrderTransition';
  readonly from: OrderStatus;
  readonly event: OrderEvent['type'];
  constructor(from: OrderStatus, event: OrderEvent, detail?: string) {
    super(`an order in status ${from} cannot take event ${event.type}${detail ? `: ${detail}` : ''}`);
    this.from = from;
    this.event = event.type;
  }
}

function statusAcknowledged(retcode: number): OrderStatus | null {
  if (retcode === DONE) return 'filled';
  if (retcode === DONE_PARTIAL) return 'partially_filled';
  if (retcode === PLACED) return 'sent';
  return null;
}

/** The status `event` moves an order in `from` to, or null when the event is illegal there. */
function nextStatus(from: OrderStatus, event: OrderEvent, volume: number): OrderStatus | null {
  const unsettled = UNSETTLED_STATUSES.includes(from);
  switch (event.type) {
    case 'claimed':
      // `sent` again: a claimed send whose worker died — the next claim looks it up first.
      return unsettled ? 'sent' : null;
    case 'sent':
      return from === 'sent' ? 'sent' : null;
    case 'acknowledged':
      return from === 'sent' ? statusAcknowledged(event.retcode) : null;
    case 'rejected':
      return from === 'sent' ? 'rejected' : null;
    case 'requoted':
      return from === 'sent' ? 'new' : null;
    case 'outcome_unknown':
      return from === 'sent' ? 'unknown' : null;
    case 'halted':
      return from === 'sent' ? 'cancelled' : null;
    case 'adopted':
    case 'never_reached_broker':
      if (!unsettled) return null;
      return event.type === 'adopted' ? event.brokerState : 'cancelled';
    case 'filled_by_deal':
      if (!unsettled && from !== 'partially_filled') return null;
      if (!(event.filledVolume > 0)) return null;
      return event.filledVolume + VOLUME_TOLERANCE >= volume ? 'filled' : 'partially_filled';
  }
}

/** Applies `event` to `order`; an event the order's status does not allow throws. */
export function transition(order: OrderLifecycleState, event: OrderEvent): OrderLifecycleState {
  const status = nextStatus(order.status, event, order.volume);
  if (status === null) {
    const detail = event.type === 'acknowledged' ? `retcode ${event.retcode} is not a success` : undefined;
    throw new IllegalOrderTransition(order.status, event, detail);
  }
  return { status, attempts: order.attempts + (event.type === 'claimed' ? 1 : 0), volume: order.volume };
}

/** Whether `event` is legal for an order in `status` (without applying it). */
export function canTake(order: OrderLifecycleState, event: OrderEvent): boolean {
  return nextStatus(order.status, event, order.volume) !== null;
}
