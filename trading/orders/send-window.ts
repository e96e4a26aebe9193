// How long an open decision may wait to be sent, and an unsettled order to be found at the broker.

/**
 * An unsettled order the broker does not know this long after it was sent never reached it, and an
 * open decision not sent within it never is: by then placeOrders' attempts (15 s each, four at
 * most) are over and the cycle has ended. Reconcile cancels both; the order store refuses to send
 * such a decision late; the account's other bots stop counting it as a pending open.
 */
export const NEVER_SENT_GRACE_MS = 2 * 60_000;
