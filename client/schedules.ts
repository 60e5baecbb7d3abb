import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { PipelineConfig } from '../config/pipeline-config.js';
import type { TributaryConfig } from '../config/tributary-config.js';
import { PIPELINE_KEY, SOURCES_KEY } from '../core/search-attributes.js';
import type { SyncPipelineInput } from '../workflows/index.js';

/** The schedule id of a pipeline: a business key, stable across applies. */
export function scheduleIdOf(pipeline: string): string {
  return `tributary-${pipeline}`;
}

/** What `applySchedules` did per pipeline. */
export interface AppliedSchedule {
  readonly pipeline: string;
  readonly scheduleId: string;
  readonly action: 'created' | 'updated';
}

/**
 * Creates or updates one Temporal Schedule per pipeline in config, idempotently. Runs get
 * business-key workflow ids (`<pipeline>-<scheduled time>`); overlapping runs are skipped.
 */
export async function applySchedules(
  client: Client,
  config: TributaryConfig,
  opts: { taskQueue: string; searchAttributes: boolean },
): Promise<AppliedSchedule[]> {
  const applied: AppliedSchedule[] = [];
  for (const [pipeline, p] of Object.entries(config.pipelines)) {
    const scheduleId = scheduleIdOf(pipeline);
    const spec = specOf(p);
    const action = {
      type: 'startWorkflow' as const,
      workflowType: 'syncPipeline',
      workflowId: pipeline,
      taskQueue: opts.taskQueue,
      args: [{ pipeline } satisfies SyncPipelineInput],
      ...(opts.searchAttributes ? { typedSearchAttributes: searchAttributesOf(pipeline, p) } : {}),
    };
    const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' };
    try {
      await client.schedule.create({ scheduleId, spec, action, policies, state: { paused: p.schedule.paused } });
      applied.push({ pipeline, scheduleId, action: 'created' });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action, policies, state: { ...previous.state, paused: p.schedule.paused } }));
      applied.push({ pipeline, scheduleId, action: 'updated' });
    }
  }
  return applied;
}

function specOf(p: PipelineConfig): ScheduleSpec {
  const jitter = p.schedule.jitter ? { jitter: p.schedule.jitter } : {};
  if (p.schedule.every) return { intervals: [{ every: p.schedule.every }], ...jitter };
  return { cronExpressions: [p.schedule.cron!], timezone: p.schedule.timezone, ...jitter };
}

function searchAttributesOf(pipeline: string, p: PipelineConfig): SearchAttributePair[] {
  return [
    { key: PIPELINE_KEY, value: pipeline },
    { key: SOURCES_KEY, value: [...p.sources] },
  ];
}
