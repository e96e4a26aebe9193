// Failures that are not broker answers. A transport timeout leaves the outcome unknown:
// the order may or may not have been executed, so the caller must look it up before resending.
export class BrokerTimeoutError extends Error {
  override readonly name = 'BrokerTimeoutError';
}

/**
 * A lookup found the order, or a send of it, not finished yet: neither "found with a final state"
 * nor "not found" would be true, and "not found" would invite a resend. The engine leaves the
 * order as it is, sends nothing, and asks again later. Each adapter's own kind extends this.
 */
export class OrderLookupPendingError extends Error {
  override readonly name: string = 'OrderLookupPendingError';
}
