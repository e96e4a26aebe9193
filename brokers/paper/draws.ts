// Seeded draws for the paper broker. The draw counter lives in the persisted state, so the
// sequence of slippages and injected faults continues across restarts instead of replaying.
import { hashKey, unitFromKey } from '../random.ts';
import type { PaperState } from './state.ts';

/** Uniform in [0, 1), the next in the account's stream for `seed`. */
export function drawUnit(state: PaperState, seed: number): number {
  const value = unitFromKey(hashKey(seed, state.login, state.draws));
  state.draws += 1;
  return value;
}
