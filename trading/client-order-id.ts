/**
 * The idempotency key of the order a decision opens: deterministic (the same decision always
 * yields the same key, on every retry and replay) and short enough for MT5's ~31-char comment.
 */
export function clientOrderIdFor(botId: number, decisionId: number): string {
  if (!Number.isSafeInteger(botId) || botId <= 0)
    throw new RangeError(`botId must be a positive integer, got ${botId}`);
  if (!Number.isSafeInteger(decisionId) || decisionId <= 0) {
    throw new RangeError(`decisionId must be a positive integer, got ${decisionId}`);
  }
  return `se${botId.toString(36)}-${decisionId.toString(36)}`;
}
