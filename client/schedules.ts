import { configFingerprint } from '../config/config-fingerprint.js';
import { type Client, ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import type { OverlapPolicy, PipelineConfig } from '../config/pipeline-config.js';
import type { TributaryConfig } from '../config/tributary-config.js';
import { PIPELINE_KEY, SOURCES_KEY } from '../core/search-attributes.js';
import { contentHash } from '../core/stable-json.js';
import type { SyncPipelineInput } from '../workflows/index.js';

/** Every Tributary schedule id starts with this; other schedules in the namespace are never touched. */
export const SCHEDULE_ID_PREFIX = 'tributary-';

/** Memo key on the scheduled workflow action holding the hash of the config it was applied from. */
const CONFIG_HASH_MEMO = 'tributaryScheduleHash';

/** The schedule id of a pipeline: a business key, stable across applies. */
export function scheduleIdOf(pipeline: string): string {
  return `${SCHEDULE_ID_PREFIX}${pipeline}`;
}

/** What `applySchedules` did (or, for orphans without `prune`, would do) per schedule. */
export interface AppliedSchedule {
  readonly pipeline: string;
  readonly scheduleId: string;
  /**
   * `created`, `updated`, `unchanged` (left untouched), `orphaned` (its pipeline is no longer in
   * config; kept until applied with prune) or `deleted`.
   */
  readonly action: 'created' | 'updated' | 'unchanged' | 'orphaned' | 'deleted';
}

/** Options of `applySchedules`. */
export interface ApplyOptions {
  readonly taskQueue: string;
  /** Set Tributary's search attributes on scheduled runs (the cluster must have them registered). */
  readonly searchAttributes: boolean;
  /** Delete schedules whose pipeline is no longer in config (default: only report them). */
  readonly prune?: boolean;
}

const overlapPolicies: Record<OverlapPolicy, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  buffer_one: ScheduleOverlapPolicy.BUFFER_ONE,
  buffer_all: ScheduleOverlapPolicy.BUFFER_ALL,
  cancel_other: ScheduleOverlapPolicy.CANCEL_OTHER,
  terminate_other: ScheduleOverlapPolicy.TERMINATE_OTHER,
  allow_all: ScheduleOverlapPolicy.ALLOW_ALL,
};

/**
 * Makes the Temporal Schedules match the config, idempotently: one schedule per pipeline
 * (`tributary-<pipeline>`), created when missing, updated when its spec, action, policies or
 * paused state differ from config, and left untouched otherwise. Scheduled runs get the
 * workflow id `<pipeline>-<scheduled time>` (Temporal appends the time), and the scheduled
 * time is the end of their data window. Schedules of pipelines removed from config are
 * reported as `orphaned`, and deleted only with `prune`.
 */
export async function applySchedules(client: Client, config: TributaryConfig, opts: ApplyOptions): Promise<AppliedSchedule[]> {
  const applied: AppliedSchedule[] = [];
  for (const [pipeline, p] of Object.entries(config.pipelines)) {
    const scheduleId = scheduleIdOf(pipeline);
    const desired = desiredSchedule(pipeline, p, opts, configFingerprint(config));
    const existing = await describeOrUndefined(client, scheduleId);
    if (existing && existing.action.type === 'startWorkflow' && existing.action.memo?.[CONFIG_HASH_MEMO] === desired.hash && existing.state.paused === p.schedule.paused) {
      applied.push({ pipeline, scheduleId, action: 'unchanged' });
      continue;
    }
    if (!existing) {
      try {
        await client.schedule.create({ scheduleId, spec: desired.spec, action: desired.action, policies: desired.policies, state: { paused: p.schedule.paused } });
        applied.push({ pipeline, scheduleId, action: 'created' });
        continue;
      } catch (err) {
        // Created concurrently by another apply: fall through and update it.
        if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      }
    }
    await client.schedule.getHandle(scheduleId).update((previous) => ({
      ...previous,
      spec: desired.spec,
      action: desired.action,
      policies: desired.policies,
      state: { ...previous.state, paused: p.schedule.paused },
    }));
    applied.push({ pipeline, scheduleId, action: 'updated' });
  }
  for (const scheduleId of await listTributarySchedules(client)) {
    const pipeline = scheduleId.slice(SCHEDULE_ID_PREFIX.length);
    if (config.pipelines[pipeline]) continue;
    if (opts.prune) {
      await client.schedule.getHandle(scheduleId).delete();
      applied.push({ pipeline, scheduleId, action: 'deleted' });
    } else {
      applied.push({ pipeline, scheduleId, action: 'orphaned' });
    }
  }
  return applied;
}

/** Ids of every schedule in the namespace with Tributary's prefix. */
export async function listTributarySchedules(client: Client): Promise<string[]> {
  const ids: string[] = [];
  for await (const s of client.schedule.list()) if (s.scheduleId.startsWith(SCHEDULE_ID_PREFIX)) ids.push(s.scheduleId);
  return ids.sort();
}

/** A pipeline's schedule as the CLI shows it. */
export interface ScheduleState {
  readonly pipeline: string;
  readonly scheduleId: string;
  readonly exists: boolean;
  readonly paused?: boolean;
  readonly nextRun?: Date;
  readonly lastScheduledRun?: Date;
  readonly skippedOverlaps?: number;
  readonly missedCatchup?: number;
}

/** Describes the schedule of each pipeline in config. */
export async function describeSchedules(client: Client, pipelines: readonly string[]): Promise<ScheduleState[]> {
  return Promise.all(
    pipelines.map(async (pipeline) => {
      const scheduleId = scheduleIdOf(pipeline);
      const d = await describeOrUndefined(client, scheduleId);
      if (!d) return { pipeline, scheduleId, exists: false };
      const last = d.info.recentActions.at(-1);
      return {
        pipeline,
        scheduleId,
        exists: true,
        paused: d.state.paused,
        ...(d.info.nextActionTimes[0] ? { nextRun: d.info.nextActionTimes[0] } : {}),
        ...(last ? { lastScheduledRun: last.scheduledAt } : {}),
        skippedOverlaps: d.info.numActionsSkippedOverlap,
        missedCatchup: d.info.numActionsMissedCatchupWindow,
      };
    }),
  );
}

async function describeOrUndefined(client: Client, scheduleId: string) {
  try {
    return await client.schedule.getHandle(scheduleId).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  }
}

function desiredSchedule(pipeline: string, p: PipelineConfig, opts: ApplyOptions, fingerprint: string) {
  const spec = specOf(p);
  const policies = { overlap: overlapPolicies[p.schedule.overlap], catchupWindow: p.schedule.catchupWindow };
  const base = {
    type: 'startWorkflow' as const,
    workflowType: 'syncPipeline',
    workflowId: pipeline,
    taskQueue: opts.taskQueue,
    // Scheduled runs carry the config applied with them: a worker on another config refuses them until `apply` runs again.
    args: [{ pipeline, trigger: 'scheduled', configFingerprint: fingerprint } satisfies SyncPipelineInput],
    ...(opts.searchAttributes ? { typedSearchAttributes: searchAttributesOf(pipeline, p) } : {}),
  };
  const hash = contentHash({ spec, policies, action: { ...base, typedSearchAttributes: opts.searchAttributes ? searchAttributesOf(pipeline, p).map((a) => [a.key.name, a.value]) : null } });
  return { spec, policies, hash, action: { ...base, memo: { [CONFIG_HASH_MEMO]: hash } } };
}

function specOf(p: PipelineConfig): ScheduleSpec {
  const jitter = p.schedule.jitter ? { jitter: p.schedule.jitter as '1s' } : {};
  if (p.schedule.every) return { intervals: [{ every: p.schedule.every as '1s' }], ...jitter };
  return { cronExpressions: [p.schedule.cron!], timezone: p.schedule.timezone, ...jitter };
}

/** The search attributes every run of a pipeline carries, whoever starts it. */
export function searchAttributesOf(pipeline: string, p: PipelineConfig): SearchAttributePair[] {
  return [
    { key: PIPELINE_KEY, value: pipeline },
    { key: SOURCES_KEY, value: [...p.sources] },
  ];
}
