// A cycle's time budget. The schedule gives each run a timeout below its interval (so a stuck cycle
// never eats the next one's slot); inside it the cycle splits that time: trading first, then a share
// kept for reconcile and position management (which run whatever trading did), then a reserve to
// record the cycle — so a cycle that runs long is cut, managed and recorded as timed out rather
// than killed by its run timeout with no record. Step timeouts fit the trading share, so a worker
// that dies mid-step is replaced within it: at a 15 s interval every step gets 3.3 s, not 10–15 s.

/** Seconds between the end of a cycle's run timeout and the schedule's next fire. */
const RUN_TIMEOUT_MARGIN_SECONDS = 3;

/** Step timeouts with no run timeout to fit (a cycle started by hand, a test). */
const FULL_STEP_TIMEOUT_MS = 10_000;
const FULL_SEND_TIMEOUT_MS = 15_000;
const FULL_RECORD_TIMEOUT_MS = 5_000;

export interface CycleTiming {
  /** Trading (candles → strategies → risk → orders) is cut this long after the run started. */
  tradeDeadlineMs: number | null;
  /** Reconcile and position management are cut this long after the run started. */
  riskDeadlineMs: number | null;
  /** startToCloseTimeout of each read and bookkeeping step. */
  stepTimeoutMs: number;
  /** startToCloseTimeout of each order send attempt. */
  sendTimeoutMs: number;
  recordTimeoutMs: number;
}

const clamp = (value: number, min: number, max: number) => Math.min(Math.max(value, min), max);

/** The run timeout the schedule sets for a bot cycling every `intervalSeconds`. */
export function runTimeoutSecondsFor(intervalSeconds: number): number {
  return intervalSeconds - RUN_TIMEOUT_MARGIN_SECONDS;
}

/** How a run with this run timeout (none: a cycle started by hand) spends its time. */
export function cycleTiming(runTimeoutMs: number | undefined): CycleTiming {
  if (runTimeoutMs === undefined) {
    return {
      tradeDeadlineMs: null,
      riskDeadlineMs: null,
      stepTimeoutMs: FULL_STEP_TIMEOUT_MS,
      sendTimeoutMs: FULL_SEND_TIMEOUT_MS,
      recordTimeoutMs: FULL_RECORD_TIMEOUT_MS,
    };
  }
  const recordReserve = clamp(runTimeoutMs * 0.15, 1_500, 5_000);
  const riskShare = clamp(runTimeoutMs * 0.3, 3_000, 15_000);
  const riskDeadlineMs = runTimeoutMs - recordReserve;
  const tradeDeadlineMs = riskDeadlineMs - riskShare;
  // Two attempts of a step fit the trading share, so a retry after a lost worker still lands in it.
  const halfTrade = Math.floor(tradeDeadlineMs / 2);
  return {
    tradeDeadlineMs,
    riskDeadlineMs,
    stepTimeoutMs: Math.min(FULL_STEP_TIMEOUT_MS, halfTrade),
    sendTimeoutMs: Math.min(FULL_SEND_TIMEOUT_MS, halfTrade),
    recordTimeoutMs: Math.min(FULL_RECORD_TIMEOUT_MS, Math.floor(recordReserve)),
  };
}
