// Trades whose SDK call has not settled, by the engine's id they carry. The adapter stops waiting
// for a trade after its own timeout, but the SDK cannot be cut short: a trade still waiting on a
// reconnect, or on MetaApi's relay to the terminal, may yet execute. A lookup of its id in the
// meantime must not answer "not found", which would invite a resend.
export class InFlightTrades {
  readonly #pending = new Map<string, number>();

  /** Counts `sending` as in flight under `clientOrderId` until it settles, either way. */
  track<T>(clientOrderId: string, sending: Promise<T>): Promise<T> {
    if (clientOrderId === '') return sending;
    this.#pending.set(clientOrderId, (this.#pending.get(clientOrderId) ?? 0) + 1);
    const settled = () => {
      const left = this.#pending.get(clientOrderId)! - 1;
      if (left === 0) this.#pending.delete(clientOrderId);
      else this.#pending.set(clientOrderId, left);
    };
    sending.then(settled, settled);
    return sending;
  }

  has(clientOrderId: string): boolean {
    return this.#pending.has(clientOrderId);
  }
}
