// What a schedule's pause says, to a resume: whose pause it is (the automatic kill-switch's is
// lifted only when asked), and the errors of a resume that leaves a pause in place.
import { AUTOMATIC_KILL_SWITCH_NOTE } from '../trading/kill-switch.ts';

/** Whether a schedule's pause note is the automatic kill-switch's. */
export function isKillSwitchPause(note: string | null | undefined): boolean {
  return note?.startsWith(AUTOMATIC_KILL_SWITCH_NOTE) === true;
}

/** The schedule is paused by the automatic kill-switch, and the resume did not say to lift that. */
export class KillSwitchPausedError extends Error {
  override name = 'KillSwitchPausedError';
  readonly note: string;
  constructor(scheduleId: string, note: string) {
    super(`schedule ${scheduleId} is paused by the automatic kill-switch ("${note}")`);
    this.note = note;
  }
}

/** A pause with another note landed while an unpause went out: it stays. */
export class SchedulePausedMeanwhileError extends Error {
  override name = 'SchedulePausedMeanwhileError';
  readonly note: string;
  constructor(scheduleId: string, note: string) {
    super(`schedule ${scheduleId} was paused ("${note}") while it was being resumed: it stays paused`);
    this.note = note;
  }
}
