import { configFingerprint } from '../../config/config-fingerprint.js';
import { connectTemporal } from '../connection.js';
import { followRun, formatProgress, reportRunResult, startPipelineRun } from '../start-run.js';
import { UsageError, commonOptions, loadCommandConfig, parseCommandArgs } from './common-options.js';

/**
 * `tributary run --pipeline P [--source S]... [--wait] [--json]`: starts a run now (its window
 * ends now). With `--wait` it prints live progress and the summary, and exits 1 if the run failed.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    ...commonOptions,
    pipeline: { type: 'string' },
    source: { type: 'string', multiple: true },
    wait: { type: 'boolean', default: false },
  });
  if (values.help) {
    console.log('Usage: tributary run --pipeline P [--source S]... [--wait] [--json]\nStarts a run now (its window ends now). --wait prints live progress and the summary, and exits 1 if the run failed.');
    return 0;
  }
  const config = await loadCommandConfig(values);
  const pipelines = Object.keys(config.pipelines);
  const pipeline = values.pipeline ?? (pipelines.length === 1 ? pipelines[0] : undefined);
  if (!pipeline) throw new UsageError(`--pipeline is required; valid: ${pipelines.join(', ')}`);
  const p = config.pipelines[pipeline];
  if (!p) throw new UsageError(`unknown pipeline "${pipeline}"; valid: ${pipelines.join(', ')}`);
  for (const s of values.source ?? []) if (!p.sources.includes(s)) throw new UsageError(`pipeline "${pipeline}" has no source "${s}"; valid: ${p.sources.join(', ')}`);

  const now = new Date();
  const temporal = await connectTemporal();
  try {
    const { handle } = await startPipelineRun(temporal.client, {
      taskQueue: temporal.taskQueue,
      workflowId: `${pipeline}/manual-${now.toISOString()}`,
      input: { pipeline, windowEnd: now.toISOString(), trigger: 'manual', configFingerprint: configFingerprint(config), ...(values.source ? { sources: values.source } : {}) },
    });
    if (!values.json) console.log(`started run ${handle.workflowId}`);
    if (!values.wait) {
      if (values.json) console.log(JSON.stringify({ runId: handle.workflowId, status: 'running' }));
      return 0;
    }
    const result = followRun(handle, (progress) => {
      if (!values.json) console.log(formatProgress(progress));
    });
    return await reportRunResult('run', handle.workflowId, result, values.json);
  } finally {
    await temporal.close();
  }
}
