// A schedule's spec, action and policies written only over the very schedule they were read
// against. Temporal's UpdateSchedule replaces the whole schedule, its pause state included, so an
// update carries the state it read: a pause that lands between the read and the write (from a
// terminal, or the automatic kill-switch) would be undone. Temporal's conflict token guards
// against that — the server drops an update whose token is no longer the schedule's — but the
// SDK's ScheduleHandle.update (1.24) never sends one. So the request is built here, with the SDK's
// own encoders, and sent with the token.
import { randomUUID } from 'node:crypto';
import type { Client, ScheduleDescription, ScheduleUpdateOptions } from '@temporalio/client';
import {
  compileUpdatedScheduleOptions,
  encodeScheduleAction,
  encodeSchedulePolicies,
  encodeScheduleSpec,
  encodeScheduleState,
} from '@temporalio/client/lib/schedule-helpers.js';

export type ScheduleChange = Omit<ScheduleUpdateOptions, 'state'>;

/**
 * Sends `change` (with the pause state `current` read) as an update valid only while the schedule
 * is still `current`. The server answers either way: whether it landed is for the caller to read.
 */
export async function writeOverDescribed(
  client: Client,
  scheduleId: string,
  current: ScheduleDescription,
  change: ScheduleChange,
): Promise<void> {
  const { namespace, identity, loadedDataConverter } = client.options;
  const compiled = compileUpdatedScheduleOptions(scheduleId, { ...change, state: current.state });
  // Headers set on the schedule's action are kept, as the SDK's update keeps them.
  const headers = current.raw.schedule?.action?.startWorkflow?.header?.fields ?? {};
  await client.workflowService.updateSchedule({
    namespace,
    scheduleId,
    conflictToken: current.raw.conflictToken,
    schedule: {
      spec: encodeScheduleSpec(compiled.spec),
      action: await encodeScheduleAction(loadedDataConverter, namespace, compiled.action, headers),
      policies: encodeSchedulePolicies(compiled.policies),
      state: encodeScheduleState(compiled.state),
    },
    identity,
    requestId: randomUUID(),
  });
}

/**
 * Whether a write over `before` landed, read from the schedule `after` it: its token moved on and
 * its pause state is the one written. Anything else (a pause or resume before or after the
 * write) is read as not landed: writing again over the fresh schedule is always safe.
 */
export function landedOver(before: ScheduleDescription, after: ScheduleDescription): boolean {
  const tokenMoved = !Buffer.from(after.raw.conflictToken ?? []).equals(Buffer.from(before.raw.conflictToken ?? []));
  return tokenMoved && after.state.paused === before.state.paused && after.state.note === before.state.note;
}
