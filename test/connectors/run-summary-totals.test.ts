import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { syncPipeline } from '../../workflows/index.js';
import { type PipelineHarness, startPipelineHarness } from '../support/pipeline-harness.js';

let h: PipelineHarness;
before(async () => {
  h = await startPipelineHarness();
});
after(async () => {
  await h?.close();
});

test('retries and rate-limit waits of a stream reach the run summary', { timeout: 60_000 }, async () => {
  // Two 503s for the CRM and a 429 asking for one second for the billing API: ridden out inside the fetch.
  h.demo.faults.failNext('crm', 2, 503);
  h.demo.faults.failNext('billing', 1, 429, 1);
  const summary = await h.client.workflow.execute(syncPipeline, { workflowId: 'totals-1', taskQueue: h.taskQueue, args: [{ pipeline: 'demo', windowEnd: '2026-10-01T00:00:00Z' }] });
  const byStream = Object.fromEntries(summary.streams.map((s) => [`${s.source}.${s.stream}`, s]));
  const crm = byStream['crm.contacts']!;
  const billing = byStream['billing.customers']!;
  assert.equal(crm.status, 'succeeded');
  assert.equal(crm.retries, 2);
  assert.ok((crm.rateLimitWaitMs ?? 0) > 0, 'backoff before the retries is counted as waiting');
  assert.equal(billing.status, 'succeeded');
  assert.equal(billing.retries, 1);
  assert.equal(byStream['support.customers']?.retries, undefined, 'a stream without trouble reports none');
  const stored = await h.db.selectFrom('tributary.run').select('summary').where('run_id', '=', 'totals-1').executeTakeFirstOrThrow();
  const streams = (stored.summary as { streams: Array<{ source: string; retries?: number }> }).streams;
  assert.equal(streams.find((s) => s.source === 'crm')?.retries, 2, 'the stored summary carries them too');
});
