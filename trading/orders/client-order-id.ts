// Idempotency keys of the orders the engine sends. Each is deterministic — the same intent always
// yields the same key, on every retry and replay — and short enough for MT5's ~31-character
// comment (≤ 26 characters, as MetaApi's clientId allows). The key is the order's MT5 comment:
// it is how an order whose reply was lost is found again at the broker.

/** Closes of one position the engine may try, in turn (after a reject): plenty, and two base-36 digits. */
export const MAX_CLOSE_ATTEMPTS = 36 ** 2 - 1;

function positiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

/** The key of the order a decision opens: `se<bot>-<decision>`, base 36. */
export function clientOrderIdFor(botId: number, decisionId: number): string {
  positiveInteger('botId', botId);
  positiveInteger('decisionId', decisionId);
  return `se${botId.toString(36)}-${decisionId.toString(36)}`;
}

/**
 * The key of the engine's `attempt`-th order closing one position: `sx<bot>-<ticket>-<attempt>`,
 * base 36. MT5 tickets are unsigned 64-bit numbers, so the ticket takes at most 13 characters.
 */
export function closeOrderIdFor(botId: number, positionTicket: string, attempt: number): string {
  positiveInteger('botId', botId);
  positiveInteger('attempt', attempt);
  if (attempt > MAX_CLOSE_ATTEMPTS)
    throw new RangeError(`attempt must be at most ${MAX_CLOSE_ATTEMPTS}, got ${attempt}`);
  if (!/^[1-9]\d{0,19}$/.test(positionTicket) || BigInt(positionTicket) >= 2n ** 64n) {
    throw new RangeError(`positionTicket must be an MT5 ticket (an unsigned 64-bit number), got ${positionTicket}`);
  }
  return `sx${botId.toString(36)}-${BigInt(positionTicket).toString(36)}-${attempt.toString(36)}`;
}
