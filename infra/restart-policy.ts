// When a process the launcher started dies: restart it after a growing delay, or give up when it
// keeps dying soon after each start (a crash loop only burns CPU and hides its first error).

export interface RestartPolicy {
  /** Delay before the first restart; doubled after each fast failure. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A run shorter than this counts as a fast failure; a longer one resets the count. */
  healthyAfterMs: number;
  /** Give up at this many fast failures in a row. */
  maxFastFailures: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  healthyAfterMs: 60_000,
  maxFastFailures: 5,
};

export type RestartDecision =
  { action: 'restart'; delayMs: number; fastFailures: number } | { action: 'give-up'; fastFailures: number };

/**
 * What to do after a run of `ranMs` that ended, given the fast failures in a row before it:
 * restart (with its delay), or give up.
 */
export function afterExit(policy: RestartPolicy, fastFailuresBefore: number, ranMs: number): RestartDecision {
  const fastFailures = ranMs < policy.healthyAfterMs ? fastFailuresBefore + 1 : 0;
  if (fastFailures >= policy.maxFastFailures) return { action: 'give-up', fastFailures };
  const delayMs = Math.min(policy.initialDelayMs * 2 ** Math.max(fastFailures - 1, 0), policy.maxDelayMs);
  return { action: 'restart', delayMs, fastFailures };
}
