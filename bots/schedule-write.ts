// A schedule written only over the very schedule it was read as. Temporal's UpdateSchedule
// replaces the whole schedule, its pause state included, so a write carries the state it read: a
// pause that lands between the read and the write (from a terminal, or the automatic kill-switch)
// would be undone. Temporal's conflict token guards against that — the server drops, silently, a
// write whose token is no longer the schedule's — but the SDK's ScheduleHandle.update (1.24) never
// sends one. So the request is built here, with the SDK's own encoders, and sent with the token;
// whether it landed is read back from the schedule.
import { randomUUID } from 'node:crypto';
import {
  type Client,
  isGrpcServiceError,
  type ScheduleDescription,
  ScheduleNotFoundError,
  type ScheduleUpdateOptions,
} from '@temporalio/client';
import {
  compileUpdatedScheduleOptions,
  decodeScheduleAction,
  decodeScheduleSpec,
  encodeScheduleAction,
  encodeSchedulePolicies,
  encodeScheduleSpec,
  encodeScheduleState,
} from '@temporalio/client/lib/schedule-helpers.js';

export type ScheduleChange = Omit<ScheduleUpdateOptions, 'state'>;
type ScheduleState = ScheduleDescription['state'];

/** gRPC's NOT_FOUND: the schedule is gone. */
const GRPC_NOT_FOUND = 5;

/** What a write left on the schedule, to be told from the schedule read back. */
export interface ScheduleWrite {
  scheduleId: string;
  before: ScheduleDescription;
  state: ScheduleState;
  fingerprint: string;
}

/**
 * What the engine sets on a schedule — when it fires, what it starts, with what timeout and search
 * attributes — in one comparable string: the description read back shows it as the SDK decodes it.
 */
function fingerprintOf(spec: ScheduleDescription['spec'], action: ScheduleDescription['action']): string {
  const typed = action.typedSearchAttributes;
  const pairs = typed === undefined ? [] : Array.isArray(typed) ? typed : typed.getAll();
  const attributes = pairs.map(({ key, value }) => [key.name, value] as const).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify({
    intervals: (spec.intervals ?? []).map(({ every, offset }) => [every, offset ?? 0]),
    calendars: (spec.calendars ?? []).map(({ second, minute, hour }) => [second, minute, hour]),
    action: [action.workflowType, action.workflowId, action.taskQueue, action.args, action.workflowRunTimeout],
    attributes,
  });
}

/**
 * Sends `change` with pause state `state` (the one read, unless told) as a write valid only while
 * the schedule is still `current`. The server takes or drops it without saying: see landed().
 */
export async function writeOverDescribed(
  client: Client,
  scheduleId: string,
  current: ScheduleDescription,
  change: ScheduleChange,
  state: ScheduleState = current.state,
): Promise<ScheduleWrite> {
  const { namespace, identity, loadedDataConverter } = client.options;
  const compiled = compileUpdatedScheduleOptions(scheduleId, { ...change, state });
  // Headers set on the schedule's action are kept, as the SDK's update keeps them.
  const headers = current.raw.schedule?.action?.startWorkflow?.header?.fields ?? {};
  const spec = encodeScheduleSpec(compiled.spec);
  const action = await encodeScheduleAction(loadedDataConverter, namespace, compiled.action, headers);
  try {
    await client.workflowService.updateSchedule({
      namespace,
      scheduleId,
      conflictToken: current.raw.conflictToken,
      schedule: {
        spec,
        action,
        policies: encodeSchedulePolicies(compiled.policies),
        state: encodeScheduleState(state),
      },
      identity,
      requestId: randomUUID(),
    });
  } catch (error) {
    // As the SDK's own update says it: a caller may make the schedule again.
    if (isGrpcServiceError(error) && error.code === GRPC_NOT_FOUND)
      throw new ScheduleNotFoundError(error.details || 'schedule not found', scheduleId);
    throw error;
  }
  const written = await decodeScheduleAction(loadedDataConverter, namespace, action);
  return { scheduleId, before: current, state, fingerprint: fingerprintOf(decodeScheduleSpec(spec), written) };
}

/**
 * Whether `write` landed, from the schedule read back after it: its token moved on, and it holds
 * the pause state and the settings written. Anything else — the write dropped because the
 * schedule changed first (a pause, a resume, another process's update), or a change landing
 * after it — reads as not landed: writing again over the fresh schedule is always safe.
 */
export function landed(write: ScheduleWrite, after: ScheduleDescription): boolean {
  const before = write.before.raw.conflictToken ?? new Uint8Array();
  const tokenMoved = !Buffer.from(after.raw.conflictToken ?? []).equals(Buffer.from(before));
  return (
    tokenMoved &&
    after.state.paused === write.state.paused &&
    (after.state.note ?? '') === (write.state.note ?? '') &&
    fingerprintOf(after.spec, after.action) === write.fingerprint
  );
}

/**
 * Sets the pause state alone over the schedule as read (its settings as they are), and reads the
 * schedule back: whether the write landed, and the schedule after it.
 */
export async function writeStateOverDescribed(
  client: Client,
  scheduleId: string,
  current: ScheduleDescription,
  state: ScheduleState,
): Promise<{ landed: boolean; after: ScheduleDescription }> {
  const { spec, action, policies } = current;
  const write = await writeOverDescribed(client, scheduleId, current, { spec, action, policies }, state);
  const after = await client.schedule.getHandle(scheduleId).describe();
  return { landed: landed(write, after), after };
}
