import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { type Kysely, sql } from 'kysely';
import { installQuietRuntime } from '../../client/runtime-logging.js';
import { createDatabase } from '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { migrateToLatest } from '../../store/migrate.js';
import { syncPipeline } from '../../workflows/index.js';
import { type LatencyServer, startLatencyServer } from '../connectors/servers/latency-server.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { mergedTables, tableDigests } from '../support/table-digest.js';
import { temporalEnv, uniqueTaskQueue } from '../support/temporal.js';
import { spawnWorker, type WorkerProcess } from './worker-process.js';

/**
 * Three `tributary worker` processes on one task queue share a pipeline: its streams spread over
 * them, the source's requestsPerSecond holds for all of them together, and the tables come out
 * as one worker's do.
 */
const RPS = 20;
const STREAMS = ['s1', 's2', 's3', 's4', 's5', 's6'];
const YAML = `
version: 1
sources:
  lat:
    type: rest
    baseUrl: \${LAT_URL}
    rateLimit: { requestsPerSecond: ${RPS} }
    streams:
${STREAMS.map((s) => `      ${s}: { path: /pages, params: { stream: ${s} }, recordsPath: $.data, primaryKey: id, pagination: { type: page_number, param: page, sizeParam: per_page, size: 10, totalPagesPath: $.total_pages } }`).join('\n')}
entities:
  item:
    matchOn: [id]
    fields:
      id: { type: string }
      n: { type: integer, strategy: max }
    sources:
${STREAMS.map((s) => `      lat.${s}: { fields: { id: $.id, n: $.n } }`).join('\n')}
# Merged after the fetch, in small partitions: what spreads over the workers here is the partitions.
merge: { overlap: false, maxPartitions: 6, keysPerPartition: 10 }
pipelines:
  lat:
    schedule: { every: 1h }
    sources: [lat]
`;

let api: LatencyServer;
let connection: Connection;
let client: Client;
const databases: Array<{ database: TestDatabase; db: Kysely<Database> }> = [];
const workers: WorkerProcess[] = [];
let configPath: string;

before(async () => {
  installQuietRuntime();
  api = await startLatencyServer({ total: 150, delayMs: 20 });
  configPath = join(tmpdir(), `tributary-multi-${process.pid}.yaml`);
  await writeFile(configPath, YAML);
  connection = await Connection.connect({ address: temporalEnv().address });
  client = new Client({ connection, namespace: temporalEnv().namespace });
});
after(async () => {
  await Promise.all(workers.map((w) => w.kill('SIGTERM')));
  await connection?.close();
  for (const d of databases) {
    await d.db.destroy();
    await d.database.drop();
  }
  await api?.stop();
});

/** Runs the pipeline on `n` worker processes over a fresh database; answers the database and the activities each worker ran. */
async function runOn(n: number, workflowId: string): Promise<{ db: Kysely<Database>; perWorker: Map<string, number>; partitionsPerWorker: Map<string, number> }> {
  const database = await createTestDatabase();
  const db = createDatabase(database.url);
  await migrateToLatest(db);
  databases.push({ database, db });
  const { address, namespace } = temporalEnv();
  const taskQueue = uniqueTaskQueue(`multi${n}`);
  const env = { DATABASE_URL: database.url, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, TRIBUTARY_TASK_QUEUE: taskQueue, TRIBUTARY_CONFIG: configPath, LAT_URL: api.url };
  const mine = await Promise.all(Array.from({ length: n }, () => spawnWorker(env)));
  workers.push(...mine);
  api.reset();
  await client.workflow.execute(syncPipeline, { workflowId, taskQueue, args: [{ pipeline: 'lat', windowEnd: '2026-10-01T00:00:00Z' }] });
  // Which worker ran each activity: the identity on every ActivityTaskStarted of the run and its streams.
  const perWorker = new Map<string, number>();
  const partitionsPerWorker = new Map<string, number>();
  const ids = [workflowId, ...STREAMS.map((s) => `${workflowId}/lat.${s}`)];
  for (const id of ids) {
    const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
    const types = new Map(events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => [String(e.eventId), e.activityTaskScheduledEventAttributes!.activityType?.name]));
    for (const e of events) {
      const started = e.activityTaskStartedEventAttributes;
      if (!started?.identity) continue;
      perWorker.set(started.identity, (perWorker.get(started.identity) ?? 0) + 1);
      if (types.get(String(started.scheduledEventId)) === 'writeMergePartition') partitionsPerWorker.set(started.identity, (partitionsPerWorker.get(started.identity) ?? 0) + 1);
    }
  }
  await Promise.all(mine.map((w) => w.kill('SIGTERM')));
  return { db, perWorker, partitionsPerWorker };
}

const tableOf = async (db: Kysely<Database>) => (await sql<{ id: string; n: number; _sources: string[] }>`select id, n, _sources from unified.item order by id`.execute(db)).rows;
// Provenance is left out: with no update time, each field's winner is the latest fetch, and fetch order differs between the runs.
const merged = async (db: Kysely<Database>) => tableDigests(db, await mergedTables(db), ['_provenance']);

test('three worker processes share one pipeline: streams and merge partitions spread, the shared requestsPerSecond holds within 5 %, the result equals one worker', { timeout: 180_000 }, async (t) => {
  const one = await runOn(1, 'multi-one');
  const oneTable = await tableOf(one.db);
  assert.equal(oneTable.length, api.items.length);

  const three = await runOn(3, 'multi-three');
  const requests = [...api.log].sort((a, b) => a.at - b.at);
  t.diagnostic(`activities per worker: ${JSON.stringify(Object.fromEntries(three.perWorker))}`);
  assert.ok(three.perWorker.size >= 2, `the activities spread over the workers: ${JSON.stringify(Object.fromEntries(three.perWorker))}`);
  assert.equal(requests.length, STREAMS.length * 15, 'every page requested once');
  const rate = (requests.length - 1) / ((requests.at(-1)!.at - requests[0]!.at) / 1000);
  t.diagnostic(`aggregate request rate over three workers: ${rate.toFixed(2)}/s (budget ${RPS}/s)`);
  assert.ok(rate <= RPS * 1.05, `three workers together made ${rate.toFixed(2)} requests/s, above ${RPS}/s + 5 %`);
  assert.ok(rate >= RPS * 0.8, `three workers together made only ${rate.toFixed(2)} requests/s of ${RPS}/s`);
  assert.deepEqual(await tableOf(three.db), oneTable);
  // The merge's entity writes ran as six partition activities, on whichever workers took them.
  t.diagnostic(`merge partitions per worker: ${JSON.stringify(Object.fromEntries(three.partitionsPerWorker))}`);
  assert.equal([...three.partitionsPerWorker.values()].reduce((a, b) => a + b, 0), 6);
  assert.deepEqual(await merged(three.db), await merged(one.db), 'every merged table as one worker left it');
});
