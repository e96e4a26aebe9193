// A worker for the `scalper` task queue: the cycle workflow and its activities.
import { fileURLToPath } from 'node:url';
import { Worker, type ActivityInboundCallsInterceptor, type NativeConnection } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.ts';
import type { EngineMetrics } from '../infra/metrics.ts';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** A bundle scripts/bundle-workflows.ts built; without one the workflows are bundled at start. */
  workflowBundlePath?: string;
}

/** Every failed activity attempt counts in task_failures_total under the activity's name. */
function countingFailures(metrics: EngineMetrics, task: string): ActivityInboundCallsInterceptor {
  return {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (error) {
        metrics.taskFailures.inc({ task });
        throw error;
      }
    },
  };
}

/** Workflow runs the worker keeps in memory between their tasks. */
const WORKFLOW_CACHE_SIZE = 500;

export function createWorker(options: WorkerOptions): Promise<Worker> {
  const activities = createActivities(options.deps);
  // Every task's series from 0: an alert's increase() sees a task's first failure, not only its second.
  for (const task of [...Object.keys(activities), 'cycle']) options.deps.metrics.taskFailures.inc({ task }, 0);
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...(options.workflowBundlePath
      ? { workflowBundle: { codePath: options.workflowBundlePath } }
      : { workflowsPath: WORKFLOWS_PATH }),
    activities,
    // A cycle's next step waits on the sticky queue of the worker that ran its last one; if that
    // worker died, the SDK's 10 s default would eat most of a cycle's budget before another worker
    // takes over (workflows/cycle-timing.ts). 3 s loses the tick of no cycle at a 15 s interval.
    stickyQueueScheduleToStartTimeout: '3s',
    // A cycle lives under a minute, so few run at once (~12 cached at 500 healthy bots). A run that
    // times out on the server is never seen to close and stays cached until the cache is full: with
    // the SDK's default (600 runs per GB of V8 heap: ~2,300 here), 2,141 after 43 minutes and the
    // worker past 1 GB. 500 such runs take ~80 MB of the workflow thread's heap, inside its 192 MB
    // cap (infra/worker-process.ts); a running cycle the cache evicts is replayed, not lost.
    maxCachedWorkflows: WORKFLOW_CACHE_SIZE,
    // A backtest's activity learns it was cancelled (POST /backtests/:id/cancel) from the answer to
    // a heartbeat it sends; throttled by default to 0.8 × its 1-minute timeout, its compute threads
    // would run on for up to 48 s. It heartbeats every 5 s: each goes out, one small call.
    maxHeartbeatThrottleInterval: '5s',
    interceptors: {
      activity: [(context) => ({ inbound: countingFailures(options.deps.metrics, context.info.activityType) })],
    },
  });
}
