// The workers the tests start, on the workflow bundle global-setup.ts builds once per jest run:
// webpack takes ~2 s of CPU per bundle, and a run starts some fifty workers. The workers of `npm
// start` (infra/launcher-restarts), of worker/main.ts's own tests and bundle.test.ts still bundle or
// load their own, so bundling at start stays tested.
import type { NativeConnection, Worker } from '@temporalio/worker';
import type { ActivityDeps } from '../../activities/deps.ts';
import { createWorker, WORKFLOWS_PATH } from '../../worker/create-worker.ts';

/** Where global setup puts the bundle's path for the test workers and the processes they spawn. */
export const TEST_WORKFLOW_BUNDLE_VAR = 'SCALPER_TEST_WORKFLOW_BUNDLE';

/** The run's prebuilt bundle; undefined outside a jest run's integration project. */
export function testWorkflowBundle(): string | undefined {
  return process.env[TEST_WORKFLOW_BUNDLE_VAR] || undefined;
}

/** Worker.create's workflow code: the run's bundle, else the workflows bundled at the worker's start. */
export function testWorkflowCode(): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const codePath = testWorkflowBundle();
  return codePath === undefined ? { workflowsPath: WORKFLOWS_PATH } : { workflowBundle: { codePath } };
}

/** The engine's worker (createWorker) on `taskQueue` in the default namespace, loading `workflowBundlePath`. */
export function createTestWorker(
  connection: NativeConnection,
  taskQueue: string,
  deps: ActivityDeps,
  workflowBundlePath = testWorkflowBundle(),
): Promise<Worker> {
  return createWorker({ connection, namespace: 'default', taskQueue, deps, workflowBundlePath });
}
