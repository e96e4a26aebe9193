// When the backtested bot's cycles run, as its Temporal schedule starts them (bots/schedule.ts): a
// bar-aligned bot's `delaySeconds` into every minute; an interval bot's every `everySeconds`, at
// `offsetMs` past each multiple of the interval since the Unix epoch (Temporal's interval spec,
// the bot's phase). With a 45 s interval a bar is acted on 0–45 s after it closes, and every third
// minute holds two cycles: the second decides nothing new (its bar's signals are decided) but
// manages the open positions at its own, later quote.

export type CycleSchedule =
  { kind: 'bar_close'; delaySeconds: number } | { kind: 'interval'; everySeconds: number; offsetMs: number };

const MINUTE_MS = 60_000;

/** The schedule's first cycle at or after `time` (UTC epoch ms). */
export function firstCycleAtOrAfter(schedule: CycleSchedule, time: number): number {
  if (schedule.kind === 'bar_close') {
    const inMinute = Math.floor(time / MINUTE_MS) * MINUTE_MS + schedule.delaySeconds * 1000;
    return inMinute >= time ? inMinute : inMinute + MINUTE_MS;
  }
  const every = schedule.everySeconds * 1000;
  return schedule.offsetMs + Math.ceil((time - schedule.offsetMs) / every) * every;
}

/** The cycle after the one at `time`. */
export function nextCycle(schedule: CycleSchedule, time: number): number {
  return time + (schedule.kind === 'bar_close' ? MINUTE_MS : schedule.everySeconds * 1000);
}

/**
 * The cycle after the one running at `time`, read from a clock up to half a period off the
 * schedule's (a worker's clock against the time Temporal started the cycle, early or late): the
 * backtester passes a cycle's own time, the live cycle its worker's.
 */
export function cycleAfter(schedule: CycleSchedule, time: number): number {
  const periodMs = schedule.kind === 'bar_close' ? MINUTE_MS : schedule.everySeconds * 1000;
  return firstCycleAtOrAfter(schedule, time + periodMs / 2);
}

/** The schedule in words, for a summary: "5 s after each bar closes", "every 45 s, offset 12.5 s". */
export function describeCycleSchedule(schedule: CycleSchedule): string {
  if (schedule.kind === 'bar_close') return `${schedule.delaySeconds} s after each bar closes`;
  return `every ${schedule.everySeconds} s, offset ${schedule.offsetMs / 1000} s`;
}
