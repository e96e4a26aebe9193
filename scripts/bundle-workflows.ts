// `npm run build`: bundles the workflows once, so a production worker loads the bundle
// (WORKFLOW_BUNDLE_PATH) instead of running webpack at every start.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../worker/create-worker.ts';

export const DEFAULT_BUNDLE_PATH = fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));

/** Writes the bundle to `codePath` and returns its size in bytes. */
export async function bundleWorkflows(codePath: string): Promise<number> {
  // Webpack's report is logged only when the build fails.
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  await mkdir(dirname(codePath), { recursive: true });
  await writeFile(codePath, code);
  return Buffer.byteLength(code);
}

// Without a top-level await: the tests' global setup, which jest loads through require(), imports
// bundleWorkflows from here (a failed build still rejects, and exits with 1).
if (import.meta.main) {
  void bundleWorkflows(DEFAULT_BUNDLE_PATH).then((size) =>
    console.log(`workflow bundle: ${DEFAULT_BUNDLE_PATH} (${(size / 1024).toFixed(0)} KiB)`),
  );
}
