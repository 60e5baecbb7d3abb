import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** What a pipeline run's Temporal histories say about where its time went. */
export interface RunHistoryStats {
  /** Start of the pipeline workflow to its completion, from history timestamps (ms). */
  readonly wallMs: number;
  /** Events in the pipeline workflow's history. */
  readonly pipelineEvents: number;
  /** Workflow executions of the stream children, counting each continue-as-new. */
  readonly streamRuns: number;
  /** The largest single history among the stream children's executions (bounded history). */
  readonly maxStreamRunEvents: number;
  /** Events over every execution of the run. */
  readonly totalEvents: number;
  /** Activities executed (completed attempts), by type. */
  readonly activities: Record<string, number>;
  /** Summed execution time (started → completed) per activity type, ms. */
  readonly activityMs: Record<string, number>;
  /** Summed queueing time (scheduled → started) over all activities, ms. */
  readonly scheduleToStartMs: number;
  /** First fetch scheduled to last fetch completed, ms. */
  readonly fetchPhaseMs: number;
  /** The activity work on the critical path: plan + slowest stream's chunks + merge + finish, ms. */
  readonly criticalPathMs: number;
}

function ms(ev: HistoryEvent): number {
  const t = ev.eventTime;
  if (!t) return 0;
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}

interface ActivityTimes {
  readonly type: string;
  readonly scheduled: number;
  started?: number;
  completed?: number;
}

function activitiesOf(events: readonly HistoryEvent[]): ActivityTimes[] {
  const byId = new Map<string, ActivityTimes>();
  for (const ev of events) {
    const id = String(ev.eventId);
    if (ev.activityTaskScheduledEventAttributes) byId.set(id, { type: ev.activityTaskScheduledEventAttributes.activityType?.name ?? '?', scheduled: ms(ev) });
    const started = ev.activityTaskStartedEventAttributes;
    if (started) byId.get(String(started.scheduledEventId))!.started = ms(ev);
    const completed = ev.activityTaskCompletedEventAttributes;
    if (completed) byId.get(String(completed.scheduledEventId))!.completed = ms(ev);
  }
  return [...byId.values()];
}

async function eventsOf(client: Client, workflowId: string, runId?: string): Promise<HistoryEvent[]> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return history.events ?? [];
}

/**
 * Reads the pipeline run's history and every execution of its stream children (following
 * continue-as-new) and derives the time split: activity execution per type, queueing, and the
 * Temporal overhead as wall time minus the activity work on the critical path.
 */
export async function analyzeRunHistory(client: Client, workflowId: string): Promise<RunHistoryStats> {
  const pipeline = await eventsOf(client, workflowId);
  const all: ActivityTimes[] = activitiesOf(pipeline);
  let streamRuns = 0;
  let maxStreamRunEvents = 0;
  let totalEvents = pipeline.length;
  let slowestStream = 0;
  for (const ev of pipeline) {
    const child = ev.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
    if (!child?.workflowId) continue;
    let runId: string | undefined = child.runId ?? undefined;
    let streamMs = 0;
    while (runId) {
      const events = await eventsOf(client, child.workflowId, runId);
      streamRuns++;
      totalEvents += events.length;
      maxStreamRunEvents = Math.max(maxStreamRunEvents, events.length);
      const acts = activitiesOf(events);
      all.push(...acts);
      for (const a of acts) if (a.started !== undefined && a.completed !== undefined) streamMs += a.completed - a.started;
      runId = events.find((e) => e.workflowExecutionContinuedAsNewEventAttributes)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    slowestStream = Math.max(slowestStream, streamMs);
  }
  const activities: Record<string, number> = {};
  const activityMs: Record<string, number> = {};
  let scheduleToStartMs = 0;
  let fetchFirst = Infinity;
  let fetchLast = 0;
  // The merge's steps run one after another, the partitions beside each other: its span is on the critical path.
  let mergeFirst = Infinity;
  let mergeLast = 0;
  for (const a of all) {
    if (a.started === undefined || a.completed === undefined) continue;
    activities[a.type] = (activities[a.type] ?? 0) + 1;
    activityMs[a.type] = (activityMs[a.type] ?? 0) + (a.completed - a.started);
    scheduleToStartMs += a.started - a.scheduled;
    if (a.type === 'fetchStreamChunk') {
      fetchFirst = Math.min(fetchFirst, a.scheduled);
      fetchLast = Math.max(fetchLast, a.completed);
    }
    if (['mergeRun', 'prepareMerge', 'writeMergePartition', 'recordLatest', 'publishMerge'].includes(a.type)) {
      mergeFirst = Math.min(mergeFirst, a.started);
      mergeLast = Math.max(mergeLast, a.completed);
    }
  }
  const wallMs = ms(pipeline[pipeline.length - 1]!) - ms(pipeline[0]!);
  const criticalPathMs = slowestStream + Math.max(0, mergeLast - mergeFirst) + ['planRun', 'finishRun'].reduce((s, t) => s + (activityMs[t] ?? 0), 0);
  return {
    wallMs,
    pipelineEvents: pipeline.length,
    streamRuns,
    maxStreamRunEvents,
    totalEvents,
    activities,
    activityMs,
    scheduleToStartMs,
    fetchPhaseMs: fetchLast > 0 ? fetchLast - fetchFirst : 0,
    criticalPathMs,
  };
}
