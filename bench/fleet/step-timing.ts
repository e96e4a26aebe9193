// Where a cycle's time goes, from the histories of a sample of its runs: for each activity type and
// for workflow tasks, how long a task waited in its queue (scheduled → started: pollers, slots,
// the server) and how long it ran (started → completed: the step's own work).
import type { TemporalConnections } from '../../infra/startup.ts';
import { quantiles, type Quantiles } from './measure.ts';

interface Timestamp {
  seconds?: unknown;
  nanos?: number | null;
}

const msOf = (time: Timestamp | null | undefined): number =>
  time ? Number(time.seconds ?? 0) * 1000 + (time.nanos ?? 0) / 1e6 : NaN;

export type StepTimings = Record<string, { waitMs: Quantiles; runMs: Quantiles }>;

export async function stepTimings(
  temporal: TemporalConnections,
  taskQueue: string,
  from: number,
  to: number,
  sample = 40,
): Promise<StepTimings> {
  const query = `TaskQueue = '${taskQueue}' AND TemporalScheduledStartTime >= '${new Date(from).toISOString()}' AND TemporalScheduledStartTime < '${new Date(to).toISOString()}' AND ExecutionStatus = 'Completed'`;
  const waits = new Map<string, number[]>();
  const runs = new Map<string, number[]>();
  const add = (map: Map<string, number[]>, key: string, value: number) =>
    map.set(key, [...(map.get(key) ?? []), value]);
  let taken = 0;
  for await (const execution of temporal.client.workflow.list({ query })) {
    if (taken++ >= sample) break;
    const history = await temporal.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const scheduledAt = new Map<number, { type: string; at: number }>();
    const startedAt = new Map<number, number>();
    for (const event of history.events ?? []) {
      const id = Number(event.eventId);
      const at = msOf(event.eventTime);
      const scheduled = event.activityTaskScheduledEventAttributes;
      if (scheduled) scheduledAt.set(id, { type: scheduled.activityType?.name ?? '?', at });
      if (event.workflowTaskScheduledEventAttributes) scheduledAt.set(id, { type: 'workflow task', at });
      const started = event.activityTaskStartedEventAttributes ?? event.workflowTaskStartedEventAttributes;
      if (started) {
        const of = scheduledAt.get(Number(started.scheduledEventId));
        if (of) {
          add(waits, of.type, at - of.at);
          startedAt.set(Number(started.scheduledEventId), at);
        }
      }
      const completed = event.activityTaskCompletedEventAttributes ?? event.workflowTaskCompletedEventAttributes;
      if (completed) {
        const scheduledId = Number(completed.scheduledEventId);
        const of = scheduledAt.get(scheduledId);
        const start = startedAt.get(scheduledId);
        if (of && start !== undefined) add(runs, of.type, at - start);
      }
    }
  }
  return Object.fromEntries(
    [...waits.keys()].map((type) => [
      type,
      { waitMs: quantiles(waits.get(type)!), runMs: quantiles(runs.get(type) ?? []) },
    ]),
  );
}
