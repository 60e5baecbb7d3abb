/**
 * `npm run build`: bundles the workflow code once into `dist/workflow-bundle.js` (or the path
 * given as the first argument), so production workers start in a second instead of running
 * webpack at every start. Workers pick it up by themselves (see `chooseWorkflowBundle`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { DEFAULT_WORKFLOW_BUNDLE_PATH, WORKFLOWS_PATH } from './workflow-bundle.js';

async function run(): Promise<void> {
  const out = process.argv[2] ?? DEFAULT_WORKFLOW_BUNDLE_PATH;
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, code);
  console.log(`workflow bundle written to ${out} (${Math.round(code.length / 1024)} KiB)`);
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
