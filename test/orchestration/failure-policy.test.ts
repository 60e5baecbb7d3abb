import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { sql } from 'kysely';
import { startPipelineRun } from '../../client/start-run.js';
import { type OrchestrationHarness, startOrchestrationHarness } from './orchestration-harness.js';

// The CRM key the worker resolves is wrong: every CRM request answers 401.
const WRONG_CRM_KEY = { DEMO_CRM_API_KEY: 'not-the-key' };

let strict: OrchestrationHarness;
let partial: OrchestrationHarness;
before(async () => {
  [strict, partial] = await Promise.all([
    startOrchestrationHarness({ env: WRONG_CRM_KEY }),
    startOrchestrationHarness({ env: WRONG_CRM_KEY, edit: (y) => y.replace('sources: [crm, billing, support]', 'sources: [crm, billing, support]\n    failurePolicy: partial') }),
  ]);
});
after(async () => {
  await Promise.all([strict?.close(), partial?.close()]);
});

const start = (h: OrchestrationHarness, workflowId: string) =>
  startPipelineRun(h.client, { taskQueue: h.taskQueue, workflowId, input: { pipeline: 'demo', windowEnd: '2026-10-01T00:00:00Z', trigger: 'manual' } });

test('all_or_nothing: an auth failure fails the run at once, naming the source, after one attempt', { timeout: 60_000 }, async () => {
  const started = Date.now();
  const { handle } = await start(strict, 'demo/auth-fails');
  const err = await handle.result().then(
    () => assert.fail('the run should fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError);
  const message = String((err.cause as Error).message);
  assert.match(message, /crm\.contacts: HTTP 401/);
  assert.ok(!message.includes('not-the-key'), 'the secret is not echoed');
  assert.ok(Date.now() - started < 15_000, `failed fast (${Date.now() - started} ms)`);

  const history = await strict.client.workflow.getHandle('demo/auth-fails/crm.contacts').fetchHistory();
  const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
  assert.deepEqual(attempts, [1], 'non-retryable: a single attempt');
  const run = (await sql<{ status: string; error: string; summary: { entities: unknown[] } }>`select status, error, summary from tributary.run where run_id = 'demo/auth-fails'`.execute(strict.db)).rows[0];
  assert.equal(run?.status, 'failed');
  assert.deepEqual(run?.summary.entities, [], 'the summary lists no entity: the merge committed nothing');
  assert.match(run!.error, /crm\.contacts: HTTP 401/);
  const merged = await sql`select 1 from information_schema.tables where table_schema = 'unified' and table_name = 'customer'`.execute(strict.db);
  assert.equal(merged.rows.length, 0, 'nothing merged');
});

test('partial: the run merges the sources that succeeded and is marked degraded', { timeout: 60_000 }, async () => {
  const { handle } = await start(partial, 'demo/degraded');
  const summary = await handle.result();
  const byStream = Object.fromEntries(summary.streams.map((s: { source: string; status: string }) => [s.source, s.status]));
  assert.deepEqual(byStream, { crm: 'failed', billing: 'succeeded', support: 'succeeded' });
  const run = (await sql<{ status: string; error: string }>`select status, error from tributary.run where run_id = 'demo/degraded'`.execute(partial.db)).rows[0];
  assert.equal(run?.status, 'degraded');
  assert.match(run!.error, /crm\.contacts: HTTP 401/);
  const { count } = (await sql<{ count: number }>`select count(*)::int as count from unified.customer`.execute(partial.db)).rows[0]!;
  assert.ok(count > 0, 'billing and support were merged');
  const crm = (await sql<{ n: number }>`select count(*)::int as n from unified.customer where 'crm' = any(_sources)`.execute(partial.db)).rows[0]!;
  assert.equal(crm.n, 0);
  const described = await handle.describe();
  assert.match(String(described.memo?.summary), /^degraded \| fetched crm\.contacts 0 rec\/0 pg FAILED/);
});
