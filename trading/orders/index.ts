export { clientOrderIdFor, closeOrderIdFor, MAX_CLOSE_ATTEMPTS } from './client-order-id.ts';
export { FRESH_PRICE_TRIES, freshPricePauseMs } from './fresh-price.ts';
export {
  canTake,
  IllegalOrderTransition,
  ORDER_STATUSES,
  SENT_STATUSES,
  SETTLED_STATUSES,
  transition,
  UNSETTLED_STATUSES,
  type OrderEvent,
  type OrderLifecycleState,
  type OrderStatus,
} from './order-lifecycle.ts';
export { NEVER_SENT_GRACE_MS } from './send-window.ts';
