import type { Client } from '@temporalio/client';
import { configFingerprint } from '../../config/config-fingerprint.js';
import { PIPELINE_KEY, STATUS_KEY } from '../../core/search-attributes.js';
import { loadFreshness } from '../../observability/index.js';
import { lastSuccessPerStream, listRuns } from '../../store/run-store.js';
import { connectTemporal, openDatabase, printTable } from '../connection.js';
import { describeSchedules } from '../schedules.js';
import { ExitCode } from '../output/exit-codes.js';
import { UsageError, commonOptions, loadCommandConfig, parseCommandArgs } from './common-options.js';

/**
 * `tributary status [--pipeline P] [--limit N] [--json]`: the schedules (paused, next run), the
 * last runs with status and counts (from Postgres), the last successful fetch per source, and
 * whether each source is stale (and why), and the runs Temporal's visibility lists by their search attributes. Whatever is unreachable is
 * reported as such; the rest still prints, and the exit code is 3.
 */
export async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...commonOptions, pipeline: { type: 'string' }, limit: { type: 'string' } });
  if (values.help) {
    console.log('Usage: tributary status [--config PATH] [--pipeline P] [--limit N] [--json]\nSchedules (paused, next run), the last runs with status and counts, the last successful fetch per source,\nand the runs Temporal lists by their search attributes.');
    return 0;
  }
  const config = await loadCommandConfig(values);
  const all = Object.keys(config.pipelines);
  if (values.pipeline && !config.pipelines[values.pipeline]) throw new UsageError(`unknown pipeline "${values.pipeline}"; valid: ${all.join(', ')}`);
  const pipelines = values.pipeline ? [values.pipeline] : all;
  const limit = Number(values.limit ?? 10);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError(`--limit must be an integer from 1 to 1000, got "${values.limit}"`);
  const out: Record<string, unknown> = {};
  const errors: string[] = [];

  const temporal = await connectTemporal().catch((err: Error) => void errors.push(err.message));
  if (temporal) {
    try {
      out.workers = await describeWorkers(temporal.client, temporal.namespace, temporal.taskQueue, configFingerprint(config)).catch((err: Error) => void errors.push(`task queue: ${err.message}`));
      out.schedules = await describeSchedules(temporal.client, pipelines);
      out.temporalRuns = await listVisibleRuns(temporal.client, pipelines, limit).catch((err: Error) => void errors.push(`visibility: ${err.message}`));
    } finally {
      await temporal.close();
    }
  }
  const db = openDatabase();
  try {
    const runs = (await Promise.all(pipelines.map((pipeline) => listRuns(db, { pipeline, limit })))).flat();
    out.runs = runs
      .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
      .slice(0, limit)
      .map((r) => ({ ...r, records: recordsOf(r.summary), written: writtenOf(r.summary), summary: undefined }));
    out.lastSuccess = (await Promise.all(pipelines.map((p) => lastSuccessPerStream(db, p)))).flat();
    // The same stale rule as /v1/sources, the metrics and the alerts.
    out.freshness = (await loadFreshness(db, config)).filter((f) => pipelines.includes(f.pipeline));
  } catch (err) {
    errors.push(`database: ${(err as Error).message} (set DATABASE_URL)`);
  } finally {
    await db.destroy();
  }

  if (values.json) {
    console.log(JSON.stringify({ config: configFingerprint(config), ...out, errors }));
  } else {
    console.log(`Config ${configFingerprint(config)}`);
    section('Workers polling the task queue', out.workers, ['identity', 'config', 'sameConfig', 'lastAccessTime']);
    section('Schedules', out.schedules, ['pipeline', 'scheduleId', 'exists', 'paused', 'nextRun', 'lastScheduledRun', 'skippedOverlaps']);
    section('Last runs (Postgres)', out.runs, ['runId', 'status', 'trigger', 'windowStart', 'windowEnd', 'records', 'written', 'finishedAt', 'error']);
    section('Sources (last success, stale rule)', out.freshness, ['pipeline', 'source', 'stream', 'lastSuccessAt', 'stale', 'reason']);
    section('Runs in Temporal', out.temporalRuns, ['workflowId', 'type', 'temporalStatus', 'tributaryStatus', 'startTime', 'closeTime']);
    for (const e of errors) console.error(`unavailable: ${e}`);
  }
  // Whatever could be read was printed; an unreachable dependency still says so in the exit code.
  return errors.length > 0 ? ExitCode.unavailable : ExitCode.ok;
}

function section(title: string, rows: unknown, columns: readonly string[]): void {
  if (!Array.isArray(rows)) return;
  console.log(`\n${title}`);
  if (rows.length === 0) console.log('  (none)');
  else printTable(rows as object[], columns);
}

/** `temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY` (the proto package is not a direct dependency). */
const TASK_QUEUE_TYPE_ACTIVITY = 2;

/** The workers polling the task queue for activities, with the config fingerprint in their identity. */
async function describeWorkers(client: Client, namespace: string, taskQueue: string, ours: string) {
  const { pollers } = await client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: TASK_QUEUE_TYPE_ACTIVITY });
  return (pollers ?? []).map((p) => {
    const config = / config:([0-9a-f]+)$/.exec(p.identity ?? '')?.[1];
    const seconds = Number(p.lastAccessTime?.seconds ?? 0);
    return { identity: p.identity, config: config ?? '(unknown)', sameConfig: config === undefined ? 'unknown' : config === ours ? 'yes' : 'NO: runs started from here are refused', lastAccessTime: seconds ? new Date(seconds * 1000) : undefined };
  });
}

/** Runs as Temporal's visibility lists them, by the pipeline search attribute. */
async function listVisibleRuns(client: Client, pipelines: readonly string[], limit: number) {
  const query = pipelines.map((p) => `${PIPELINE_KEY.name} = '${p.replace(/'/g, "''")}'`).join(' OR ');
  const rows = [];
  for await (const w of client.workflow.list({ query, pageSize: limit })) {
    rows.push({
      workflowId: w.workflowId,
      type: w.type,
      temporalStatus: w.status.name,
      tributaryStatus: w.typedSearchAttributes.get(STATUS_KEY),
      startTime: w.startTime,
      closeTime: w.closeTime,
    });
    if (rows.length >= limit) break;
  }
  return rows;
}

function recordsOf(summary: Record<string, unknown> | null): number | undefined {
  const streams = summary?.streams as Array<{ records?: number }> | undefined;
  return streams?.reduce((n, s) => n + (s.records ?? 0), 0);
}

function writtenOf(summary: Record<string, unknown> | null): number | undefined {
  const entities = summary?.entities as Array<{ written?: number }> | undefined;
  return entities?.reduce((n, e) => n + (e.written ?? 0), 0);
}
