import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { sql } from 'kysely';
import { backfill } from '../../client/backfill.js';
import { failureMessage, startRerun } from '../../client/start-run.js';
import { type OrchestrationHarness, startOrchestrationHarness } from './orchestration-harness.js';

let h: OrchestrationHarness;
before(async () => {
  h = await startOrchestrationHarness();
});
after(async () => {
  await h?.close();
});

const entityRows = async () =>
  (await sql<Record<string, unknown>>`select _key, email, name, phone, plan, _hash, _last_changed from unified.customer order by _key`.execute(h.db)).rows;
const runRows = async () => (await sql<{ run_id: string; status: string }>`select run_id, status from tributary.run order by run_id`.execute(h.db)).rows;

test('a backfill runs one business-keyed run per window; running it again changes nothing', { timeout: 90_000 }, async () => {
  const opts = { pipeline: 'demo', from: new Date('2026-09-01T00:00:00Z'), to: new Date('2026-09-01T00:15:00Z'), concurrency: 2, taskQueue: h.taskQueue };
  const first = await backfill(h.client, h.config, opts);
  assert.deepEqual(
    first.map((r) => [r.runId, r.window.start, r.status]),
    [
      ['demo/2026-09-01T00:05:00.000Z', '2026-09-01T00:00:00.000Z', 'succeeded'],
      ['demo/2026-09-01T00:10:00.000Z', '2026-09-01T00:05:00.000Z', 'succeeded'],
      ['demo/2026-09-01T00:15:00.000Z', '2026-09-01T00:10:00.000Z', 'succeeded'],
    ],
  );
  const windows = (await sql<{ window_start: Date; trigger: string }>`select window_start, trigger from tributary.run where run_id = 'demo/2026-09-01T00:10:00.000Z'`.execute(h.db)).rows[0]!;
  assert.equal(windows.window_start.toISOString(), '2026-09-01T00:05:00.000Z');
  assert.equal(windows.trigger, 'backfill');
  const entities = await entityRows();
  const runs = await runRows();
  const requests = { ...h.demo.stats.requests };

  const second = await backfill(h.client, h.config, opts);
  assert.deepEqual(second.map((r) => r.status), ['skipped', 'skipped', 'skipped']);
  assert.deepEqual(await entityRows(), entities, 'entity table unchanged');
  assert.deepEqual(await runRows(), runs, 'no new run');
  assert.deepEqual(h.demo.stats.requests, requests, 'nothing fetched again');

  // Forced, the windows run again; the merge is idempotent, so still nothing changes.
  const forced = await backfill(h.client, h.config, { ...opts, to: new Date('2026-09-01T00:05:00Z'), force: true });
  assert.deepEqual(forced.map((r) => r.status), ['succeeded']);
  assert.deepEqual(await entityRows(), entities);
});

test('a rerun recomputes the merge from staged records without fetching', { timeout: 90_000 }, async () => {
  const source = 'demo/2026-09-01T00:15:00.000Z';
  const before = await entityRows();
  // Lose the merged state, and change upstream data the rerun must not see.
  await sql`truncate unified.customer, tributary.source_record, tributary.identity_link`.execute(h.db);
  h.demo.dataset.crm.contacts[0]!.phone = '+1 555-0000';
  const requests = { ...h.demo.stats.requests };

  const handle = await startRerun(h.client, { taskQueue: h.taskQueue, rerunOf: source, pipeline: 'demo', now: new Date('2026-11-01T00:00:00Z') });
  const summary = await handle.result();
  assert.equal(summary.rerunOf, source);
  assert.deepEqual(h.demo.stats.requests, requests, 'no request upstream');
  const after = await entityRows();
  assert.deepEqual(after.map((r) => [r._key, r.email, r.name, r.phone, r.plan, r._hash]), before.map((r) => [r._key, r.email, r.name, r.phone, r.plan, r._hash]));
  const run = (await sql<{ status: string; rerun_of: string; trigger: string }>`select status, rerun_of, trigger from tributary.run where run_id = ${handle.workflowId}`.execute(h.db)).rows[0];
  assert.deepEqual(run, { status: 'succeeded', rerun_of: source, trigger: 'rerun' });
  if (process.env.UPDATE_HISTORIES) {
    // Replayed by test/workflow-replay.test.ts, with the workflow id the history ran under.
    const history = await handle.fetchHistory();
    // rerun-merge.json stays: the shape before the merge ran in steps from the latest payloads.
    await writeFile(new URL('../histories/rerun-merge-steps.json', import.meta.url), `{"workflowId":${JSON.stringify(handle.workflowId)},"history":${historyToJSON(history)}}\n`);
  }

  // A rerun of the rerun reaches back to the records the original run staged.
  const again = await startRerun(h.client, { taskQueue: h.taskQueue, rerunOf: handle.workflowId, pipeline: 'demo', now: new Date('2026-11-01T00:01:00Z') });
  const second = await again.result();
  assert.equal(second.rerunOf, source);
  assert.equal(second.entities.find((e: { entity: string }) => e.entity === 'customer')?.written, 0);

  const missing = await startRerun(h.client, { taskQueue: h.taskQueue, rerunOf: 'no-such-run', pipeline: 'demo', now: new Date() });
  const failure = await missing.result().then(() => assert.fail('a rerun of an unknown run fails'), (e: unknown) => failureMessage(e));
  assert.match(failure, /no run "no-such-run"/);
});
