import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { parseConfig } from '../../config/load-config.js';
import { applySchedules, describeSchedules, scheduleIdOf } from '../../client/schedules.js';
import { startPipelineRun } from '../../client/start-run.js';
import { type OrchestrationHarness, startOrchestrationHarness } from './orchestration-harness.js';

let h: OrchestrationHarness;
before(async () => {
  h = await startOrchestrationHarness();
});
after(async () => {
  await h?.close();
});

test('a burst of 5xx from an upstream is ridden out by retries and resumes from the staged pages', { timeout: 90_000 }, async () => {
  h.demo.faults.failNext('crm', 3, 503);
  h.demo.faults.failNext('billing', 2, 502);
  const { handle } = await startPipelineRun(h.client, { taskQueue: h.taskQueue, workflowId: 'demo/transient', input: { pipeline: 'demo', windowEnd: '2026-10-01T00:00:00Z' } });
  const summary = await handle.result();
  assert.ok(summary.streams.every((s: { status: string }) => s.status === 'succeeded'));
  assert.equal(summary.streams.find((s: { source: string }) => s.source === 'crm')?.records, h.demo.dataset.crm.contacts.length);
  const staged = (await sql<{ n: number }>`select count(*)::int as n from tributary.staged_record r join tributary.fetch_checkpoint c using (stream_id) where c.run_id = 'demo/transient' and c.source = 'crm'`.execute(h.db)).rows[0]!;
  assert.equal(staged.n, h.demo.dataset.crm.contacts.length, 'each record staged once');
});

test('apply creates, leaves unchanged, updates, and prunes only with prune', { timeout: 60_000 }, async () => {
  // Unique pipeline names: schedules live in the shared namespace of the test server.
  const name = `sched${process.pid}`;
  const raw = (pipelines: Record<string, unknown>) => ({ version: 1, sources: { a: { type: 'rest', baseUrl: 'http://127.0.0.1:9', streams: { s: { path: '/x', primaryKey: 'id' } } } }, entities: {}, pipelines });
  const v1 = parseConfig(raw({ [name]: { schedule: { every: '1h', paused: true }, sources: ['a'] }, [`${name}b`]: { schedule: { cron: '0 6 * * *', timezone: 'Europe/Berlin', paused: true }, sources: ['a'] } }), 'x', {});
  const opts = { taskQueue: h.taskQueue, searchAttributes: true };
  try {
    assert.deepEqual((await applySchedules(h.client, v1, opts)).filter((a) => a.pipeline.startsWith(name)).map((a) => a.action), ['created', 'created']);
    assert.deepEqual((await applySchedules(h.client, v1, opts)).filter((a) => a.pipeline.startsWith(name)).map((a) => a.action), ['unchanged', 'unchanged']);
    const v2 = parseConfig(raw({ [name]: { schedule: { every: '30m', paused: true, overlap: 'buffer_one' }, sources: ['a'] } }), 'x', {});
    const applied = (await applySchedules(h.client, v2, opts)).filter((a) => a.pipeline.startsWith(name));
    assert.deepEqual(applied.map((a) => [a.pipeline, a.action]), [[name, 'updated'], [`${name}b`, 'orphaned']]);
    const d = await h.client.schedule.getHandle(scheduleIdOf(name)).describe();
    assert.equal(d.policies.overlap, 'BUFFER_ONE');
    assert.equal(d.state.paused, true);
    const [state] = await describeSchedules(h.client, [name]);
    assert.equal(state?.exists, true);
    assert.ok(state?.nextRun instanceof Date);
    const pruned = (await applySchedules(h.client, v2, { ...opts, prune: true })).filter((a) => a.pipeline.startsWith(name));
    assert.deepEqual(pruned.map((a) => a.action), ['unchanged', 'deleted']);
  } finally {
    for (const id of [scheduleIdOf(name), scheduleIdOf(`${name}b`)]) await h.client.schedule.getHandle(id).delete().catch(() => {});
  }
});
