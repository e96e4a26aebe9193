// Opens whose SDK call has not settled, by the engine's id they carry. The adapter stops waiting
// for a trade after its own timeout, but the SDK cannot be cut short: a trade still waiting on a
// reconnect, or on MetaApi's relay to the terminal, may yet execute. A lookup of its id in the
// meantime must not answer "not found", which would invite a resend. An entry counts for at most
// `lateSendMs` from its send: an SDK call that never settles (its session closed under it) does
// not hold the order forever, and the engine's own wait (the port's lateSendMs) ends then too.
export class InFlightTrades {
  readonly #pending = new Map<string, { count: number; since: number }>();
  readonly #now: () => number;
  readonly #lateSendMs: number;

  constructor(now: () => number, lateSendMs: number) {
    this.#now = now;
    this.#lateSendMs = lateSendMs;
  }

  /** Counts `sending` as in flight under `clientOrderId` until it settles, either way. */
  track<T>(clientOrderId: string, sending: Promise<T>): Promise<T> {
    if (clientOrderId === '') return sending;
    const entry = this.#pending.get(clientOrderId);
    this.#pending.set(clientOrderId, { count: (entry?.count ?? 0) + 1, since: this.#now() });
    const settled = () => {
      const current = this.#pending.get(clientOrderId);
      if (current === undefined) return;
      if (current.count <= 1) this.#pending.delete(clientOrderId);
      else current.count -= 1;
    };
    sending.then(settled, settled);
    return sending;
  }

  has(clientOrderId: string): boolean {
    const entry = this.#pending.get(clientOrderId);
    return entry !== undefined && this.#now() - entry.since < this.#lateSendMs;
  }
}
