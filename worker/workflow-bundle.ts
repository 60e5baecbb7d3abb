import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../infra/project-root.js';

/** The workflow source entry point that bundles are built from (the TypeScript source, also when this module runs compiled from dist/). */
export const WORKFLOWS_PATH = join(projectRoot(), 'workflows', 'index.ts');

/** Where `npm run build` writes the pre-built workflow bundle. */
export const DEFAULT_WORKFLOW_BUNDLE_PATH = join(projectRoot(), 'dist', 'workflow-bundle.js');

/** Which workflow code a worker loads, and why. */
export interface WorkflowBundleChoice {
  /** The pre-built bundle; undefined means bundle the sources at start. */
  readonly path?: string;
  readonly reason: string;
}

/**
 * Picks the workflow code for a worker: `TRIBUTARY_WORKFLOW_BUNDLE` when set (it must exist),
 * else `dist/workflow-bundle.js` when present and not older than any workflow source (a stale
 * bundle would run old workflow code and break replay), else bundling at start.
 */
export function chooseWorkflowBundle(env: NodeJS.ProcessEnv = process.env): WorkflowBundleChoice {
  const explicit = env.TRIBUTARY_WORKFLOW_BUNDLE;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`TRIBUTARY_WORKFLOW_BUNDLE=${explicit} does not exist; build it with \`npm run build\``);
    return { path: explicit, reason: `pre-built bundle ${explicit} (TRIBUTARY_WORKFLOW_BUNDLE)` };
  }
  if (!existsSync(DEFAULT_WORKFLOW_BUNDLE_PATH)) return { reason: 'bundling workflows at start (run `npm run build` to pre-build)' };
  const built = statSync(DEFAULT_WORKFLOW_BUNDLE_PATH).mtimeMs;
  const newest = newestSourceMtime();
  if (newest > built) return { reason: `ignoring stale ${DEFAULT_WORKFLOW_BUNDLE_PATH} (workflow sources changed since; run \`npm run build\`), bundling at start` };
  return { path: DEFAULT_WORKFLOW_BUNDLE_PATH, reason: `pre-built bundle ${DEFAULT_WORKFLOW_BUNDLE_PATH}` };
}

// Workflow code imports workflows/, core/ and the activity types; those are what a bundle holds.
function newestSourceMtime(): number {
  let newest = 0;
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ['workflows', 'core', 'activities']) walk(join(projectRoot(), dir));
  return newest;
}
