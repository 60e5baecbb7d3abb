import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { installQuietRuntime } from '../../client/runtime-logging.js';
import { startPipelineRun } from '../../client/start-run.js';
import { waitFor } from '../../infra/index.js';
import { mergeLockName } from '../../merge/merge-run.js';
import { createDatabase } from '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { migrateToLatest } from '../../store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { mergedTables, tableDigests } from '../support/table-digest.js';
import { temporalEnv, uniqueTaskQueue } from '../support/temporal.js';
import { type SlowApi, SLOW_OFFSET_PIPELINE_YAML, SLOW_OVERLAP_PIPELINE_YAML, SLOW_PIPELINE_YAML, startSlowApi } from './slow-api.js';
import { spawnWorker, type WorkerProcess } from './worker-process.js';

let api: SlowApi;
let database: TestDatabase;
let db: Kysely<Database>;
let connection: Connection;
let client: Client;
let env: Record<string, string>;
const offsetConfigPath = join(tmpdir(), `tributary-kill-offset-${process.pid}.yaml`);
const overlapConfigPath = join(tmpdir(), `tributary-kill-overlap-${process.pid}.yaml`);
const workers: WorkerProcess[] = [];

before(async () => {
  installQuietRuntime();
  api = await startSlowApi({ total: 240, pageSize: 10, delayMs: 150, key: 'slow-key' });
  database = await createTestDatabase();
  db = createDatabase(database.url);
  await migrateToLatest(db);
  const configPath = join(tmpdir(), `tributary-kill-${process.pid}.yaml`);
  await writeFile(configPath, SLOW_PIPELINE_YAML);
  await writeFile(offsetConfigPath, SLOW_OFFSET_PIPELINE_YAML);
  await writeFile(overlapConfigPath, SLOW_OVERLAP_PIPELINE_YAML);
  const { address, namespace } = temporalEnv();
  env = { DATABASE_URL: database.url, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, TRIBUTARY_TASK_QUEUE: uniqueTaskQueue('kill'), TRIBUTARY_CONFIG: configPath, SLOW_URL: api.url, SLOW_KEY: 'slow-key' };
  connection = await Connection.connect({ address });
  client = new Client({ connection, namespace });
});
after(async () => {
  for (const w of workers) await w.kill('SIGKILL');
  await connection?.close();
  await db?.destroy();
  await database?.drop();
  await api?.stop();
});

/** What an uninterrupted run leaves in the merged tables (set by the first test). */
let reference: Record<string, string> | undefined;

/** Clears what a run merged (and the latest payloads a fetch compares with), so the next run is a first load again. */
async function clearMerged(): Promise<void> {
  await sql`truncate unified.person, tributary.source_record, tributary.identity_link, tributary.entity_seen, tributary.latest_record`.execute(db);
}

/** The entity table as an uninterrupted run leaves it: one person per upstream record, once; every merged table as in the reference run. */
async function assertComplete(runId: string): Promise<void> {
  if (reference) assert.deepEqual(await tableDigests(db, await mergedTables(db)), reference, 'entity rows, lineage, identities, seen marks and watermarks as an uninterrupted run left them');
  const steps = await db.selectFrom('tributary.merge_step').select('step').where('run_id', '=', runId).execute();
  assert.deepEqual(steps, [], 'the merge was published');
  const people = (await sql<{ email: string; name: string; _sources: string[] }>`select email, name, _sources from unified.person order by email`.execute(db)).rows;
  const expected = api.records.map((r) => ({ email: r.email, name: r.name, _sources: ['slow'] })).sort((a, b) => (a.email < b.email ? -1 : 1));
  assert.deepEqual(people, expected);
  const staged = (await sql<{ n: number; d: number }>`select count(*)::int as n, count(distinct source_key)::int as d from tributary.staged_record r join tributary.fetch_checkpoint c using (stream_id) where c.run_id = ${runId}`.execute(db)).rows[0]!;
  assert.deepEqual(staged, { n: api.records.length, d: api.records.length });
  const run = (await sql<{ status: string }>`select status from tributary.run where run_id = ${runId}`.execute(db)).rows[0];
  assert.equal(run?.status, 'succeeded');
}

test('reference: an uninterrupted run', { timeout: 120_000 }, async () => {
  const worker = await spawnWorker(env);
  workers.push(worker);
  const { handle } = await startPipelineRun(client, { taskQueue: env.TRIBUTARY_TASK_QUEUE!, workflowId: 'slow/reference', input: { pipeline: 'slow', windowEnd: '2026-09-30T00:00:00Z' } });
  await handle.result();
  await assertComplete('slow/reference');
  const partitions = (await handle.fetchHistory()).events?.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'writeMergePartition').length;
  assert.equal(partitions, 3, 'the merge wrote in three partitions');
  reference = await tableDigests(db, await mergedTables(db));
  await worker.kill('SIGKILL');
  await clearMerged();
});

test('SIGKILL of the worker mid multi-page fetch: a new worker completes the run, nothing lost or doubled', { timeout: 120_000 }, async () => {
  const first = await spawnWorker(env);
  workers.push(first);
  const { handle } = await startPipelineRun(client, { taskQueue: env.TRIBUTARY_TASK_QUEUE!, workflowId: 'slow/fetch-kill', input: { pipeline: 'slow', windowEnd: '2026-10-01T00:00:00Z' } });
  await waitFor(async () => ((await db.selectFrom('tributary.fetch_checkpoint').select('pages').where('run_id', '=', 'slow/fetch-kill').executeTakeFirst())?.pages ?? 0) >= 4 || undefined, { timeoutMs: 60_000, intervalMs: 50, maxIntervalMs: 50, description: 'four pages staged' });
  await first.kill('SIGKILL');
  const pagesAtKill = (await db.selectFrom('tributary.fetch_checkpoint').select(['pages', 'done']).where('run_id', '=', 'slow/fetch-kill').executeTakeFirstOrThrow());
  assert.equal(pagesAtKill.done, false, 'killed in the middle of the fetch');

  workers.push(await spawnWorker(env));
  await handle.result();
  await assertComplete('slow/fetch-kill');
});

test('SIGKILL of the worker while pages are fetched concurrently: the new worker resumes after the last staged page', { timeout: 120_000 }, async () => {
  await clearMerged();
  // Slow enough that the fetch (4 pages in flight, staged about once a second) is mid-way when staged pages show.
  api.delayMs = 600;
  const offsetEnv = { ...env, TRIBUTARY_CONFIG: offsetConfigPath, TRIBUTARY_TASK_QUEUE: uniqueTaskQueue('kill-offset') };
  const first = await spawnWorker(offsetEnv);
  workers.push(first);
  const runId = 'slow/concurrent-kill';
  const { handle } = await startPipelineRun(client, { taskQueue: offsetEnv.TRIBUTARY_TASK_QUEUE, workflowId: runId, input: { pipeline: 'slow', windowEnd: '2026-10-03T00:00:00Z' } });
  await waitFor(async () => ((await db.selectFrom('tributary.fetch_checkpoint').select('pages').where('run_id', '=', runId).executeTakeFirst())?.pages ?? 0) >= 6 || undefined, { timeoutMs: 60_000, intervalMs: 20, maxIntervalMs: 20, description: 'six pages staged' });
  await first.kill('SIGKILL');
  const atKill = await db.selectFrom('tributary.fetch_checkpoint').select(['pages', 'done', 'pagination_type']).where('run_id', '=', runId).executeTakeFirstOrThrow();
  assert.equal(atKill.done, false, 'killed in the middle of the fetch');
  assert.equal(atKill.pagination_type, 'offset');
  workers.push(await spawnWorker(offsetEnv));
  await handle.result();
  await assertComplete(runId);
});

test('SIGKILL of the worker while fetch and merge overlap: a new worker fetches and merges the rest, tables as an uninterrupted run left them', { timeout: 120_000 }, async () => {
  await clearMerged();
  api.delayMs = 150;
  const overlapEnv = { ...env, TRIBUTARY_CONFIG: overlapConfigPath, TRIBUTARY_TASK_QUEUE: uniqueTaskQueue('kill-overlap') };
  const first = await spawnWorker(overlapEnv);
  workers.push(first);
  const runId = 'slow/overlap-kill';
  const { handle } = await startPipelineRun(client, { taskQueue: overlapEnv.TRIBUTARY_TASK_QUEUE, workflowId: runId, input: { pipeline: 'slow', windowEnd: '2026-10-02T00:00:00Z' } });
  const mergedRecords = async () => (await sql<{ n: number }>`select count(*)::int as n from tributary.source_record where run_id = ${runId}`.execute(db)).rows[0]!.n;
  // Killed once the merge during the fetch has committed some records and the fetch is still going.
  const merging = async () => {
    const fetched = await db.selectFrom('tributary.fetch_checkpoint').select('done').where('run_id', '=', runId).executeTakeFirst();
    return (await mergedRecords()) >= 30 && fetched?.done === false;
  };
  await waitFor(async () => (await merging()) || undefined, { timeoutMs: 60_000, intervalMs: 20, maxIntervalMs: 20, description: 'records merged while the fetch goes on' });
  await first.kill('SIGKILL');
  const atKill = await mergedRecords();
  assert.ok(atKill < api.records.length, `records merged during the fetch: ${atKill}`);
  workers.push(await spawnWorker(overlapEnv));
  await handle.result();
  await assertComplete(runId);
  if (process.env.UPDATE_HISTORIES) {
    // The pipeline's history with the merge during the fetch (the `merge-follows-fetch` patch) and the latest payloads it
    // took in recorded beside prepare (`latest-beside-prepare`), a killed attempt included. The shape before that patch
    // stays in sync-pipeline-follow.json.
    const history = await handle.fetchHistory();
    await writeFile(new URL('../histories/sync-pipeline-latest-beside-prepare.json', import.meta.url), `{"workflowId":${JSON.stringify(runId)},"history":${historyToJSON(history)}}\n`);
  }
});

test('SIGKILL of the worker mid merge, in its prepare step (transaction open): a new worker merges again, exactly once', { timeout: 120_000 }, async () => {
  api.delayMs = 0;
  // Hold the entity's merge lock, as a concurrent merge would: prepare opens its transaction and waits inside it.
  // The killed worker's connection dies with it, so its transaction rolls back.
  await killMidMerge('slow/merge-kill', `select pg_advisory_xact_lock(hashtext('${mergeLockName('person')}'))`, () => waitingOn('%pg_advisory_xact_lock%'));
});

/** Runs the slow pipeline as a first load with `hold` taken in a session of its own, kills the worker once `stuck` sees the merge waiting, then lets a new worker finish. */
async function killMidMerge(runId: string, hold: string, stuck: () => Promise<boolean>): Promise<void> {
  await clearMerged();
  const blocker = new pg.Client({ connectionString: database.url });
  await blocker.connect();
  await blocker.query('begin');
  await blocker.query(hold);
  const worker = await spawnWorker(env);
  workers.push(worker);
  const { handle } = await startPipelineRun(client, { taskQueue: env.TRIBUTARY_TASK_QUEUE!, workflowId: runId, input: { pipeline: 'slow', windowEnd: '2026-10-04T00:00:00Z' } });
  await waitFor(async () => (await stuck()) || undefined, { timeoutMs: 60_000, intervalMs: 50, description: 'merge step waiting on the held lock' });
  await worker.kill('SIGKILL');
  await blocker.query('commit');
  await blocker.end();
  await sleep(200);
  workers.push(await spawnWorker(env));
  await handle.result();
  await assertComplete(runId);
}

/** Whether a session waits on a lock running a statement that matches `pattern`. */
async function waitingOn(pattern: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like ${pattern}`.execute(db);
  return rows[0]!.n > 0;
}

test('SIGKILL of the worker mid merge, while its partitions write (prepare committed): a new worker writes them, exactly once', { timeout: 120_000 }, async () => {
  api.delayMs = 0;
  const runId = 'slow/partition-kill';
  // Reads of the entity table go on; the partitions' upserts wait.
  await killMidMerge(runId, 'lock table unified.person in share mode', async () => {
    const prepared = await db.selectFrom('tributary.merge_step').select('step').where('run_id', '=', runId).where('step', '=', 'prepare').executeTakeFirst();
    return prepared !== undefined && (await waitingOn('%insert into "unified"."person"%'));
  });
});

test('SIGKILL of the worker mid merge, while it publishes (every partition committed): a new worker publishes, nothing written twice', { timeout: 120_000 }, async () => {
  api.delayMs = 0;
  const runId = 'slow/publish-kill';
  // Only publish deletes from merge_affected_key on a first load (prepare lists no key, partitions read none).
  await killMidMerge(runId, 'lock table tributary.merge_affected_key in share mode', async () => {
    const written = await sql<{ n: number }>`select count(*)::int as n from tributary.merge_step where run_id = ${runId} and step like 'write:%'`.execute(db);
    return written.rows[0]!.n === 3 && (await waitingOn('%delete from tributary.merge_affected_key%'));
  });
});
