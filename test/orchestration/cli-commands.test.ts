import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { type DemoApis, demoCredentialEnv, startDemoApis } from '../../examples/demo-apis/index.js';
import { createDatabase } from '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { migrateToLatest } from '../../store/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { DEMO_CONFIG } from '../support/pipeline-harness.js';
import { temporalEnv, uniqueTaskQueue } from '../support/temporal.js';
import { createScratchNamespace } from './scratch-namespace.js';

// The commands as a user runs them: `node bin/tributary.js <command>` in a child process, against
// the test server's Temporal (TEMPORAL_ADDRESS: the "existing cluster" path), a fresh database,
// the demo APIs and one `tributary worker` child shared by every test (the last one stops it).
// Schedules are namespace-wide and `apply --prune --yes` deletes every Tributary schedule not in
// the config, so this file works in a namespace of its own.

// Generous: each command is a fresh Node process, slow on a busy two-core machine.
const TEST_TIMEOUT = 120_000;
const BIN = fileURLToPath(new URL('../../bin/tributary.js', import.meta.url));

let demo: DemoApis;
let database: TestDatabase;
let db: Kysely<Database>;
let env: Record<string, string>;
let fullConfig: string;
let demoOnlyConfig: string;
let worker: { child: ChildProcess; output: () => string; exited: Promise<number | null> };

before(async () => {
  demo = await startDemoApis();
  database = await createTestDatabase();
  db = createDatabase(database.url);
  await migrateToLatest(db);
  const { address } = temporalEnv();
  const namespace = await createScratchNamespace(address, 'cli');
  const yaml = (await readFile(DEMO_CONFIG, 'utf8')).replace('schedule: { every: 5m }', 'schedule: { every: 5m, paused: true }');
  // A second pipeline whose only source sends a wrong API key: its runs fail with a 401.
  const badSource = ['sources:', '  crm_bad:', '    type: rest', '    baseUrl: ${DEMO_CRM_URL}', '    auth: { type: api_key, in: header, name: X-API-Key, value: env:CLI_TEST_WRONG_KEY }', '    streams:', '      contacts: { path: /v1/contacts, recordsPath: $.data, primaryKey: id }', ''].join('\n');
  // A third whose good source merges while the bad one fails: its runs are degraded (exit 4).
  const broken = `${yaml.replace(/^sources:\n/m, badSource)}\n  broken:\n    schedule: { every: 1h, paused: true }\n    sources: [crm_bad]\n  partial:\n    schedule: { every: 1h, paused: true }\n    sources: [crm, crm_bad]\n    failurePolicy: partial\n`;
  const base = join(tmpdir(), `tributary-cli-${process.pid}`);
  fullConfig = `${base}-full.yaml`;
  demoOnlyConfig = `${base}-demo.yaml`;
  await writeFile(fullConfig, broken);
  await writeFile(demoOnlyConfig, yaml);
  env = {
    ...demoCredentialEnv(demo.credentials),
    DEMO_CRM_URL: demo.crm.url,
    DEMO_BILLING_URL: demo.billing.url,
    DEMO_SUPPORT_URL: demo.support.url,
    CLI_TEST_WRONG_KEY: 'not-the-key',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    TRIBUTARY_TASK_QUEUE: uniqueTaskQueue('cli'),
    TRIBUTARY_CONFIG: fullConfig,
  };
  worker = await spawnWorker();
});

after(async () => {
  if (worker && worker.child.exitCode === null && worker.child.signalCode === null) {
    worker.child.kill('SIGKILL');
    await worker.exited;
  }
  await db?.destroy();
  await database?.drop();
  await demo?.stop();
  await rm(fullConfig, { force: true });
  await rm(demoOnlyConfig, { force: true });
});

/** Runs `tributary <args>` to completion. */
function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `cli` with `--json`, parsing its single line of output. */
async function cliJson(args: string[], expectedCode = 0): Promise<Record<string, any>> {
  const r = await cli([...args, '--json']);
  assert.equal(r.code, expectedCode, `tributary ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim()) as Record<string, any>;
}

async function spawnWorker(): Promise<typeof worker> {
  const child = spawn(process.execPath, [BIN, 'worker', '--log-level', 'WARN'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', () => out.includes('worker ready') && resolve());
    void exited.then((code) => reject(new Error(`worker exited with ${code}:\n${out}`)));
  });
  return { child, output: () => out, exited };
}

const customers = async () => (await sql<Record<string, unknown>>`select * from unified.customer order by _key`.execute(db)).rows;

test('apply: created, then unchanged; a removed pipeline is listed, and deleted only with --prune --yes', { timeout: TEST_TIMEOUT }, async () => {
  const first = await cliJson(['apply']);
  assert.deepEqual(first.schedules.map((s: { pipeline: string; action: string }) => [s.pipeline, s.action]), [['demo', 'created'], ['broken', 'created'], ['partial', 'created']]);
  assert.equal(first.namespace, env.TEMPORAL_NAMESPACE);

  const second = await cli(['apply']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^SCHEDULEID\s+PIPELINE\s+ACTION$/m);
  assert.match(second.stdout, /^tributary-demo\s+demo\s+unchanged$/m);
  assert.match(second.stdout, /^tributary-broken\s+broken\s+unchanged$/m);

  // `broken` is gone from this config: listed, kept.
  const listed = await cli(['apply', '--config', demoOnlyConfig]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^tributary-broken\s+broken\s+orphaned$/m);
  assert.match(listed.stdout, /tributary apply --prune --yes/);
  const pruneOnly = await cliJson(['apply', '--config', demoOnlyConfig, '--prune']);
  assert.deepEqual(pruneOnly.schedules.map((s: { action: string }) => s.action), ['unchanged', 'orphaned', 'orphaned']);
  const yesOnly = await cli(['apply', '--config', demoOnlyConfig, '--yes']);
  assert.equal(yesOnly.code, 2);
  assert.match(yesOnly.stderr, /--yes confirms --prune/);

  const pruned = await cliJson(['apply', '--config', demoOnlyConfig, '--prune', '--yes']);
  assert.deepEqual(pruned.schedules.map((s: { pipeline: string; action: string }) => [s.pipeline, s.action]), [['demo', 'unchanged'], ['broken', 'deleted'], ['partial', 'deleted']]);
});

let runId: string;

test('run --wait prints progress and the summary and exits 0; --json gives the run id and summary', { timeout: TEST_TIMEOUT }, async () => {
  const r = await cli(['run', '--pipeline', 'demo', '--wait']);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^started run demo\/manual-/m);
  assert.match(r.stdout, /crm\.contacts \d+ rec\/\d+ pg/);
  assert.match(r.stdout, /^run demo\/manual-\S+ succeeded$/m);
  assert.match(r.stdout, new RegExp(`^  customer: \\d+ read, \\d+ written`, 'm'));

  const json = await cliJson(['run', '--pipeline', 'demo', '--source', 'crm', '--wait']);
  assert.equal(json.status, 'succeeded');
  assert.match(json.runId, /^demo\/manual-/);
  assert.deepEqual(json.summary.streams.map((s: { source: string; records: number }) => [s.source, s.records]), [['crm', demo.dataset.crm.contacts.length]]);
  runId = json.runId;
  const row = await db.selectFrom('tributary.run').select(['status', 'trigger']).where('run_id', '=', runId).executeTakeFirstOrThrow();
  assert.deepEqual(row, { status: 'succeeded', trigger: 'manual' });
});

test('run --wait exits 1 with a message naming the source when its credential is wrong', { timeout: TEST_TIMEOUT }, async () => {
  const requests = demo.stats.requests.crm;
  const r = await cli(['run', '--pipeline', 'broken', '--wait']);
  assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, /^run broken\/manual-\S+ failed: .*crm_bad/m);
  assert.match(r.stderr, /401|auth/i);
  assert.equal(demo.stats.requests.crm, requests + 1, 'an auth failure is not retried');
  const json = await cliJson(['run', '--pipeline', 'broken', '--wait'], 1);
  assert.equal(json.status, 'failed');
  assert.match(json.error, /crm_bad/);
});

test('run --wait exits 4 when the run is degraded: one source failed, the others merged', { timeout: TEST_TIMEOUT }, async () => {
  const r = await cli(['run', '--pipeline', 'partial', '--wait']);
  assert.equal(r.code, 4, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^run partial\/manual-\S+ degraded$/m);
  assert.match(r.stdout, /crm_bad\.contacts .* failed/);
});

test('--help exits 0 without connecting; usage errors exit 2 and name the valid values', { timeout: TEST_TIMEOUT }, async () => {
  const [help, run, status] = await Promise.all([
    cli(['backfill', '--help'], { TEMPORAL_ADDRESS: '127.0.0.1:9' }),
    cli(['run', '--pipeline', 'nope']),
    cli(['status', '--pipeline', 'nope']),
  ]);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^Usage: tributary backfill --pipeline P --from T1 --to T2/);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown pipeline "nope"; valid: demo, broken, partial/);
  assert.equal(status.code, 2);
  assert.match(status.stderr, /unknown pipeline "nope"; valid: demo, broken, partial/);
});

test('backfill twice: the second changes nothing', { timeout: TEST_TIMEOUT }, async () => {
  const args = ['backfill', '--pipeline', 'demo', '--from', '2026-01-01T00:00:00Z', '--to', '2026-01-01T00:10:00Z'];
  const first = await cli(args);
  assert.equal(first.code, 0, `${first.stdout}\n${first.stderr}`);
  assert.match(first.stdout, /^RUNID\s+START\s+END\s+STATUS\s+RECORDS$/m);
  assert.match(first.stdout, /^demo\/2026-01-01T00:05:00\.000Z\s+2026-01-01T00:00:00\.000Z\s+2026-01-01T00:05:00\.000Z\s+succeeded\s+\d+$/m);
  assert.match(first.stdout, /^demo\/2026-01-01T00:10:00\.000Z\s+2026-01-01T00:05:00\.000Z\s+2026-01-01T00:10:00\.000Z\s+succeeded\s+\d+$/m);
  const before = await customers();
  const runsBefore = await db.selectFrom('tributary.run').select(['run_id', 'status', 'finished_at']).orderBy('run_id').execute();

  const second = await cliJson(args);
  assert.deepEqual(second.windows.map((w: { runId: string; outcome: string; status: string }) => [w.runId, w.outcome, w.status]), [
    ['demo/2026-01-01T00:05:00.000Z', 'already_succeeded', 'skipped'],
    ['demo/2026-01-01T00:10:00.000Z', 'already_succeeded', 'skipped'],
  ]);
  assert.deepEqual(await customers(), before);
  assert.deepEqual(await db.selectFrom('tributary.run').select(['run_id', 'status', 'finished_at']).orderBy('run_id').execute(), runsBefore);
});

test('rerun --run ID recomputes its pipeline from the latest payloads as a new run, without fetching', { timeout: TEST_TIMEOUT }, async () => {
  const requests = { ...demo.stats.requests };
  const json = await cliJson(['rerun', '--run', runId]);
  assert.equal(json.status, 'succeeded');
  assert.ok(json.runId.startsWith(`${runId}/rerun-`));
  // Every record of the streams the customer entity maps, as last fetched by any run.
  const latest = await sql<{ n: number }>`select count(*)::int as n from tributary.latest_record where (source, stream) in (('crm', 'contacts'), ('billing', 'customers'), ('support', 'customers'))`.execute(db);
  assert.equal(json.summary.entities.find((e: { entity: string }) => e.entity === 'customer')?.recordsRead, latest.rows[0]!.n);
  assert.deepEqual(demo.stats.requests, requests, 'nothing fetched');
  const row = await db.selectFrom('tributary.run').select(['status', 'rerun_of']).where('run_id', '=', json.runId).executeTakeFirstOrThrow();
  assert.deepEqual(row, { status: 'succeeded', rerun_of: runId });

  const missing = await cli(['rerun', '--run', 'demo/no-such-run']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no run "demo\/no-such-run"/);
});

test('status: schedules, last runs with counts, last success per source, runs in Temporal', { timeout: TEST_TIMEOUT }, async () => {
  const json = await cliJson(['status', '--config', demoOnlyConfig]);
  assert.deepEqual(json.errors, []);
  assert.deepEqual(json.schedules.map((s: { pipeline: string; scheduleId: string; exists: boolean; paused: boolean }) => [s.pipeline, s.scheduleId, s.exists, s.paused]), [['demo', 'tributary-demo', true, true]]);
  const ids = json.runs.map((r: { runId: string }) => r.runId);
  assert.ok(ids.includes(runId), `status lists ${runId}: ${ids.join(', ')}`);
  const backfilled = json.runs.find((r: { runId: string }) => r.runId === 'demo/2026-01-01T00:10:00.000Z');
  assert.equal(backfilled.status, 'succeeded');
  assert.equal(backfilled.trigger, 'backfill');
  assert.equal(backfilled.windowStart, '2026-01-01T00:05:00.000Z');
  assert.ok(backfilled.records > 0);
  assert.deepEqual(json.lastSuccess.map((s: { source: string; stream: string }) => `${s.source}.${s.stream}`).sort(), ['billing.customers', 'crm.contacts', 'support.customers']);
  const visible = json.temporalRuns.map((r: { workflowId: string }) => r.workflowId);
  assert.ok(visible.includes(runId), `Temporal lists ${runId}: ${visible.join(', ')}`);
  assert.ok(json.temporalRuns.every((r: { temporalStatus: string }) => typeof r.temporalStatus === 'string'));

  const table = await cli(['status', '--config', demoOnlyConfig]);
  assert.equal(table.code, 0, table.stderr);
  for (const title of ['Schedules', 'Last runs (Postgres)', 'Sources (last success, stale rule)', 'Runs in Temporal']) assert.ok(table.stdout.includes(`\n${title}\n`), `section ${title}`);
});

test('config identity: a run started with another config is refused by name; status shows the worker\'s config', { timeout: TEST_TIMEOUT }, async () => {
  const ours = (await cliJson(['status'])).config as string;
  const other = (await cliJson(['status', '--config', demoOnlyConfig])).config as string;
  assert.notEqual(ours, other);
  const refused = await cli(['run', '--pipeline', 'demo', '--wait', '--config', demoOnlyConfig]);
  assert.equal(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, new RegExp(`started with config ${other}, but this worker runs config ${ours}`));
  const status = await cliJson(['status', '--config', demoOnlyConfig]);
  assert.ok(status.workers.some((w: { config: string; sameConfig: string }) => w.config === ours && w.sameConfig.startsWith('NO')), JSON.stringify(status.workers));
  const same = await cliJson(['status']);
  assert.ok(same.workers.some((w: { config: string; sameConfig: string }) => w.config === ours && w.sameConfig === 'yes'), JSON.stringify(same.workers));
});

test('worker: SIGTERM stops it gracefully with exit code 0', { timeout: TEST_TIMEOUT }, async () => {
  worker.child.kill('SIGTERM');
  assert.equal(await worker.exited, 0, worker.output());
  assert.match(worker.output(), /SIGTERM received/);
});
