// Failures that are not broker answers. A transport timeout leaves the outcome unknown:
// the order may or may not have been executed, so the caller must look it up before resending.
export class BrokerTimeoutError extends Error {
  override readonly name = 'BrokerTimeoutError';
}
