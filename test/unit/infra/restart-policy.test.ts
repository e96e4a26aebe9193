// The launcher's restart policy: delays that double after each fast failure up to a ceiling, a
// count that a long enough run resets, and a give-up at the limit.
import { afterExit, DEFAULT_RESTART_POLICY, type RestartPolicy } from '../../../infra/restart-policy.ts';

const policy: RestartPolicy = { initialDelayMs: 1_000, maxDelayMs: 5_000, healthyAfterMs: 60_000, maxFastFailures: 5 };

describe('afterExit', () => {
  it.each([
    { before: 0, ranMs: 2_000, expected: { action: 'restart', delayMs: 1_000, fastFailures: 1 } },
    { before: 1, ranMs: 2_000, expected: { action: 'restart', delayMs: 2_000, fastFailures: 2 } },
    { before: 2, ranMs: 59_999, expected: { action: 'restart', delayMs: 4_000, fastFailures: 3 } },
    // The delay stops at its ceiling.
    { before: 3, ranMs: 0, expected: { action: 'restart', delayMs: 5_000, fastFailures: 4 } },
    // The fifth fast failure in a row: no more restarts.
    { before: 4, ranMs: 10, expected: { action: 'give-up', fastFailures: 5 } },
    // A run that lasted past healthyAfterMs was healthy: the count starts again, at the first delay.
    { before: 4, ranMs: 60_000, expected: { action: 'restart', delayMs: 1_000, fastFailures: 0 } },
    { before: 0, ranMs: 3_600_000, expected: { action: 'restart', delayMs: 1_000, fastFailures: 0 } },
  ])('after $before fast failures, a run of $ranMs ms → $expected', ({ before, ranMs, expected }) => {
    expect(afterExit(policy, before, ranMs)).toEqual(expected);
  });

  it('gives a process that always dies at once exactly maxFastFailures − 1 restarts, with the default policy', () => {
    const delays: number[] = [];
    let fastFailures = 0;
    for (;;) {
      const decision = afterExit(DEFAULT_RESTART_POLICY, fastFailures, 100);
      fastFailures = decision.fastFailures;
      if (decision.action === 'give-up') break;
      delays.push(decision.delayMs);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(fastFailures).toBe(DEFAULT_RESTART_POLICY.maxFastFailures);
  });
});
