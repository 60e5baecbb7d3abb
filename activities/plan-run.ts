import { ConfigError } from '../config/config-error.js';
import { ConfigMismatchError, configFingerprint } from '../config/config-fingerprint.js';
import { windowEndingAt } from '../core/schedule-window.js';
import { followableEntities } from '../merge/merge-run.js';
import { recordRunStart } from '../store/run-store.js';
import type { PlanRunInput, RunPlan } from './activity-types.js';
import type { ActivityDeps } from './activity-deps.js';

/** Records the run's start and returns its plan (the streams to fetch), from config. */
export function planRunActivity({ db, config }: ActivityDeps) {
  return async (input: PlanRunInput): Promise<RunPlan> => {
    // Checked first: with another config, even the pipeline's name may mean something else.
    if (input.configFingerprint !== undefined && input.configFingerprint !== configFingerprint(config)) throw new ConfigMismatchError(input.configFingerprint, configFingerprint(config));
    const pipeline = config.pipelines[input.pipeline];
    if (!pipeline) {
      throw new ConfigError('config', [{ path: 'pipelines', message: `unknown pipeline "${input.pipeline}"; valid: ${Object.keys(config.pipelines).join(', ')}` }]);
    }
    const sources = input.sources ?? pipeline.sources;
    for (const s of sources) {
      if (!pipeline.sources.includes(s)) {
        throw new ConfigError('config', [{ path: `pipelines.${input.pipeline}.sources`, message: `pipeline has no source "${s}"; valid: ${pipeline.sources.join(', ')}` }]);
      }
    }
    // The window is derived from the schedule here, not in the workflow: config may change, history may not.
    const windowStart = input.windowStart ?? windowEndingAt(pipeline.schedule, new Date(input.windowEnd)).start;
    await recordRunStart(db, { runId: input.runId, pipeline: input.pipeline, windowEnd: new Date(input.windowEnd), windowStart: new Date(windowStart), trigger: input.trigger ?? 'scheduled' });
    const streams = sources.flatMap((source) =>
      Object.entries(config.sources[source]!.streams).map(([stream, c]) => {
        const parent = 'parent' in c ? c.parent?.stream : undefined;
        return parent ? { source, stream, dependsOn: { source, stream: parent } } : { source, stream };
      }),
    );
    const follow = followableEntities(config, streams);
    return { streams, failurePolicy: pipeline.failurePolicy, windowStart, ...(follow.length > 0 ? { follow } : {}) };
  };
}
