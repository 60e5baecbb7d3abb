import { type PipelineHarness, type PipelineHarnessOptions, startPipelineHarness } from '../support/pipeline-harness.js';

/** A demo setup whose config and secrets a test may bend (failure policy, wrong credentials). */
export type OrchestrationHarness = PipelineHarness;

/**
 * Starts the demo APIs, a fresh database, a worker on a unique task queue and a client. `edit`
 * rewrites the demo config's YAML text; `env` overrides the secrets the worker resolves.
 */
export function startOrchestrationHarness(opts: Pick<PipelineHarnessOptions, 'edit' | 'env'> = {}): Promise<OrchestrationHarness> {
  return startPipelineHarness(opts);
}
