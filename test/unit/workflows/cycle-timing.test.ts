// A cycle's time budget for every interval a bot may have: the deadlines come in order inside the
// run timeout, the run timeout ends before the next fire, and two attempts of any step fit the
// trading share (so a step lost with its worker is retried in the same cycle).
import fc from 'fast-check';
import { botSettingsShape } from '../../../bots/settings.ts';
import { cycleTiming, runTimeoutSecondsFor } from '../../../workflows/cycle-timing.ts';

const interval = botSettingsShape.scheduleIntervalSeconds;
const MIN_INTERVAL = interval.minValue!;
const MAX_INTERVAL = interval.maxValue!;

describe('cycleTiming', () => {
  it.each([
    // interval, trade deadline, risk deadline, step, send, record (ms)
    [15, 6_600, 10_200, 3_300, 3_300, 1_800],
    [45, 24_400, 37_000, 10_000, 12_200, 5_000],
    [60, 37_000, 52_000, 10_000, 15_000, 5_000],
    [3600, 3_577_000, 3_592_000, 10_000, 15_000, 5_000],
  ])(
    'a bot every %i s: trade until %i ms, risk until %i ms, steps %i ms, sends %i ms, record %i ms',
    (seconds, trade, risk, stepMs, sendMs, recordMs) => {
      expect(cycleTiming(runTimeoutSecondsFor(seconds) * 1000)).toEqual({
        tradeDeadlineMs: trade,
        riskDeadlineMs: risk,
        stepTimeoutMs: stepMs,
        sendTimeoutMs: sendMs,
        recordTimeoutMs: recordMs,
      });
    },
  );

  it('without a run timeout keeps full step timeouts and no deadline', () => {
    expect(cycleTiming(undefined)).toEqual({
      tradeDeadlineMs: null,
      riskDeadlineMs: null,
      stepTimeoutMs: 10_000,
      sendTimeoutMs: 15_000,
      recordTimeoutMs: 5_000,
    });
  });

  it('is consistent for every allowed interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_INTERVAL, max: MAX_INTERVAL }), (seconds) => {
        const runTimeoutMs = runTimeoutSecondsFor(seconds) * 1000;
        const timing = cycleTiming(runTimeoutMs);
        expect(runTimeoutMs).toBeLessThan(seconds * 1000);
        expect(timing.tradeDeadlineMs!).toBeGreaterThan(0);
        expect(timing.tradeDeadlineMs!).toBeLessThan(timing.riskDeadlineMs!);
        // The record reserve holds one attempt of recordCycle.
        expect(timing.riskDeadlineMs! + timing.recordTimeoutMs).toBeLessThanOrEqual(runTimeoutMs);
        expect(2 * Math.max(timing.stepTimeoutMs, timing.sendTimeoutMs)).toBeLessThanOrEqual(timing.tradeDeadlineMs!);
      }),
    );
  });
});
