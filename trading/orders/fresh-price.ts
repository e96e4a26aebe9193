// A requote (10004, 10020, 10021, 10024) executed nothing: the order goes again at the price then,
// a few times, a pause apart. The live send and the backtester retry alike.

/** Sends of one order within one attempt, the first included. */
export const FRESH_PRICE_TRIES = 3;

/**
 * The pause before the next send after `tries` sends were requoted: a server that answered 10024
 * (too many requests), or a gateway whose terminal was busy, is not asked again at once.
 */
export function freshPricePauseMs(tries: number): number {
  return 200 * tries;
}
