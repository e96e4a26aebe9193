import { WORKFLOWS_PATH } from '../../worker/create-worker.ts';

// The workflow bundle global-setup.ts builds once per jest run, for the workers the tests start:
// webpack takes ~2 s of CPU per bundle, and a run starts some fifty workers. The workers of `npm
// start` (infra/launcher-restarts), of worker/main.ts's own tests and bundle.test.ts still bundle or
// load their own, so bundling at start stays tested.

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
