// Races made on cue against the real Temporal server: the next matching gRPC call is held while
// something else runs (before it goes out, or after its answer), once. The real call still goes to
// the real server; only its timing is chosen.
import type { Client } from '@temporalio/client';

export type RacedCall = 'updateSchedule' | 'describeSchedule' | 'createSchedule' | 'deleteSchedule';

export interface RaceOptions {
  /** Run the race after the call has its answer (or its error), not before it goes out. */
  after?: boolean;
  /** Race only the call for this schedule. */
  scheduleId?: string;
  /** Race the nth matching call (1 = the first). */
  nth?: number;
}

/** Runs `work`, and `race` at its nth `call` to Temporal (matching `scheduleId`); fails if that call never came. */
export async function racedOnce<T>(
  client: Client,
  call: RacedCall,
  race: () => Promise<unknown>,
  work: () => Promise<T>,
  { after = false, scheduleId, nth = 1 }: RaceOptions = {},
): Promise<T> {
  const service = client.workflowService as unknown as Record<string, (request: unknown) => Promise<unknown>>;
  const original = service[call]!;
  let raced = false;
  let seen = 0;
  service[call] = async (request: unknown) => {
    const mine = scheduleId === undefined || (request as { scheduleId?: string }).scheduleId === scheduleId;
    if (raced || !mine || ++seen < nth) return original.call(service, request);
    raced = true;
    if (!after) await race();
    try {
      return await original.call(service, request);
    } finally {
      if (after) await race();
    }
  };
  let result: T;
  try {
    result = await work();
  } finally {
    service[call] = original;
  }
  if (!raced) throw new Error(`the ${call} call to race never came`);
  return result;
}
