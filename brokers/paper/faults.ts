// Fault injection for trade requests, so the engine's exactly-once protocol meets the failures
// a real MT5 link has: a request that times out before the server saw it, one that executed
// but whose reply was lost, and plain rejects.
import type { PaperState } from './state.ts';
import { drawUnit } from './draws.ts';

export type FaultKind = 'timeout' | 'lost_reply' | 'reject';

export interface FaultOptions {
  /** Share of trade requests that time out before execution: nothing happens at the broker. */
  timeoutRate?: number;
  /** Share of trade requests that execute but whose reply is lost: the caller sees a timeout. */
  lostReplyRate?: number;
  /** Share of trade requests rejected outright with `rejectRetcode`. */
  rejectRate?: number;
  /** Retcode of an injected reject; 10006 REJECT by default. */
  rejectRetcode?: number;
  /** How a timeout reaches the caller: a 10012 TIMEOUT result (default) or a thrown BrokerTimeoutError. */
  timeoutAs?: 'retcode' | 'throw';
  /**
   * Exact faults for the first trade requests of the account, in order ('none' = no fault);
   * after the script runs out, the rates apply. Deterministic tests use this.
   */
  script?: Array<FaultKind | 'none'>;
}

/** Decides the fault, if any, for the next trade request and counts the request. */
export function nextFault(state: PaperState, faults: FaultOptions, seed: number): FaultKind | null {
  const index = state.tradeRequests;
  state.tradeRequests += 1;
  const scripted = faults.script?.[index];
  if (scripted !== undefined) return scripted === 'none' ? null : scripted;
  const timeout = faults.timeoutRate ?? 0;
  const lost = faults.lostReplyRate ?? 0;
  const reject = faults.rejectRate ?? 0;
  if (timeout + lost + reject <= 0) return null;
  const draw = drawUnit(state, seed);
  if (draw < timeout) return 'timeout';
  if (draw < timeout + lost) return 'lost_reply';
  if (draw < timeout + lost + reject) return 'reject';
  return null;
}
