// Where the paper account's state lives between calls.
import type { PaperState } from './state.ts';

export interface PaperStateStore {
  /**
   * Applies `operation` to the account's state as one atomic step: operations on the same
   * account never interleave, and one that throws leaves the stored state as it was.
   * `create` gives the state of an account seen for the first time.
   */
  update<T>(login: string, create: () => PaperState, operation: (state: PaperState) => T): Promise<T>;
  /**
   * Applies `operation` to a snapshot of the account's state, without locking it and without
   * saving anything: for reads, which then never queue behind another bot's trade on the account.
   */
  snapshot<T>(login: string, create: () => PaperState, operation: (state: PaperState) => T): Promise<T>;
}

/** For unit tests and throw-away runs: state kept as JSON, as the database would keep it. */
export function createMemoryStateStore(): PaperStateStore {
  const documents = new Map<string, string>();
  return {
    async update(login, create, operation) {
      const stored = documents.get(login);
      const state: PaperState = stored === undefined ? create() : (JSON.parse(stored) as PaperState);
      const result = operation(state);
      documents.set(login, JSON.stringify(state));
      return result;
    },
    async snapshot(login, create, operation) {
      const stored = documents.get(login);
      return operation(stored === undefined ? create() : (JSON.parse(stored) as PaperState));
    },
  };
}
