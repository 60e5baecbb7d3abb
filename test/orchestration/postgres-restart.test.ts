import assert from 'node:assert/strict';
import fs from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { installQuietRuntime } from '../../client/runtime-logging.js';
import { startPipelineRun } from '../../client/start-run.js';
import { type PostgresHandle, startPostgres, waitFor } from '../../infra/index.js';
import { mergeLockName } from '../../merge/merge-run.js';
import { createDatabase } from '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { migrateToLatest } from '../../store/migrate.js';
import { temporalEnv, uniqueTaskQueue } from '../support/temporal.js';
import { type SlowApi, SLOW_PIPELINE_YAML, startSlowApi } from './slow-api.js';
import { spawnWorker, type WorkerProcess } from './worker-process.js';

// A Postgres server of this test's own: restarting the run's shared one would break the other test files.
let dir: string;
let server: PostgresHandle;
let port: number;
let api: SlowApi;
let db: Kysely<Database> | undefined;
let connection: Connection;
let client: Client;
let worker: WorkerProcess | undefined;
let env: Record<string, string>;

before(async () => {
  installQuietRuntime();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-pg-restart-'));
  fs.chmodSync(dir, 0o755);
  server = await startPostgres({ dataDir: path.join(dir, 'pg'), port: 0, database: 'restart', useEnv: false, durable: false });
  port = Number(new URL(server.url).port);
  api = await startSlowApi({ total: 120, pageSize: 20, delayMs: 0, key: 'restart-key' });
  const migrating = createDatabase(server.url);
  await migrateToLatest(migrating);
  await migrating.destroy();
  const configPath = path.join(dir, 'pipeline.yaml');
  await writeFile(configPath, SLOW_PIPELINE_YAML);
  const { address, namespace } = temporalEnv();
  env = { DATABASE_URL: server.url, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, TRIBUTARY_TASK_QUEUE: uniqueTaskQueue('pg-restart'), TRIBUTARY_CONFIG: configPath, SLOW_URL: api.url, SLOW_KEY: 'restart-key' };
  connection = await Connection.connect({ address });
  client = new Client({ connection, namespace });
});
after(async () => {
  await worker?.kill('SIGKILL');
  await connection?.close();
  await db?.destroy();
  await api?.stop();
  await server?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts run `runId` while a session of its own holds `hold` (inside a transaction), waits until
 * `stuck` (polled on a connection of its own) sees the merge waiting on it, restarts Postgres
 * (cutting every connection: the merge's, the pool's idle ones, the blocker's) and waits for the
 * run. The same worker must survive and finish it; returns the database, reopened.
 */
async function restartWhileHeld(runId: string, windowEnd: string, hold: readonly [string, unknown[]?], stuck: (watcher: Kysely<Database>) => Promise<boolean>): Promise<Kysely<Database>> {
  await db?.destroy();
  db = undefined;
  const blocker = new pg.Client({ connectionString: server.url });
  blocker.on('error', () => {});
  await blocker.connect();
  await blocker.query('begin');
  await blocker.query(hold[0], hold[1]);
  const { handle } = await startPipelineRun(client, { taskQueue: env.TRIBUTARY_TASK_QUEUE!, workflowId: runId, input: { pipeline: 'slow', windowEnd } });
  // Polled from a connection of its own: inside the blocker's transaction pg_stat_activity is one cached snapshot.
  const watcher = createDatabase(server.url, { max: 1 });
  try {
    await waitFor(async () => (await stuck(watcher)) || undefined, { timeoutMs: 60_000, intervalMs: 50, description: 'merge waiting on the held lock' });
  } finally {
    await watcher.destroy();
  }
  await server.stop();
  await blocker.end().catch(() => {});
  server = await startPostgres({ dataDir: path.join(dir, 'pg'), port, database: 'restart', useEnv: false, durable: false });
  await handle.result();
  assert.equal(worker?.child.exitCode, null, `the worker is still running:\n${worker?.output()}`);
  assert.equal(worker?.child.signalCode, null);
  db = createDatabase(server.url);
  return db;
}

/** Whether a session waits on a lock running a statement that matches `pattern`. */
async function waitingOn(watcher: Kysely<Database>, pattern: string): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like ${pattern}`.execute(watcher);
  return rows[0]!.n > 0;
}

/** The entity table holds every upstream record as it is now, and the run succeeded and published its merge. */
async function assertMerged(reopened: Kysely<Database>, runId: string): Promise<void> {
  const people = (await sql<{ email: string; name: string }>`select email, name from unified.person order by email`.execute(reopened)).rows;
  assert.deepEqual(people, api.records.map((r) => ({ email: r.email, name: r.name })).sort((a, b) => (a.email < b.email ? -1 : 1)));
  const run = await reopened.selectFrom('tributary.run').select('status').where('run_id', '=', runId).executeTakeFirstOrThrow();
  assert.equal(run.status, 'succeeded');
  assert.deepEqual(await reopened.selectFrom('tributary.merge_step').select('step').where('run_id', '=', runId).execute(), [], 'the merge was published');
}

// Defect: a Postgres restart during a merge ended the worker on an unhandled pg 'error' event.
test('a Postgres restart mid-merge: the same worker survives, retries and finishes the run, tables as uninterrupted', { timeout: 180_000 }, async () => {
  worker = await spawnWorker(env);
  // Hold the entity's merge lock, so the merge opens its prepare transaction and waits inside it.
  const reopened = await restartWhileHeld('slow/pg-restart', '2026-10-03T00:00:00Z', ['select pg_advisory_xact_lock(hashtext($1))', [mergeLockName('person')]], (w) => waitingOn(w, '%pg_advisory_xact_lock%'));
  await assertMerged(reopened, 'slow/pg-restart');
});

test('a Postgres restart while merge partitions write: the same worker retries them and finishes, tables as uninterrupted', { timeout: 180_000 }, async () => {
  // Every name changes, so every person is rewritten, in three partitions of the listed keys.
  for (const r of api.records) r.name = `${r.name} (renamed)`;
  const runId = 'slow/pg-restart-partitions';
  // The partitions' upserts wait for this lock; prepare (which only reads the entity table) does not.
  const reopened = await restartWhileHeld(runId, '2026-10-04T00:00:00Z', ['lock table unified.person in share mode'], async (w) => {
    const prepared = await w.selectFrom('tributary.merge_step').select('step').where('run_id', '=', runId).where('step', '=', 'prepare').executeTakeFirst();
    return prepared !== undefined && (await waitingOn(w, '%insert into "unified"."person"%'));
  });
  await assertMerged(reopened, runId);
});
