import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createAccessApp } from '../../access/index.js';
import { syncPipeline } from '../../workflows/index.js';
import { DEMO_CONFIG, type PipelineHarness, startPipelineHarness } from '../support/pipeline-harness.js';
import { type WebhookReceiver, startWebhookReceiver } from './webhook-receiver.js';

let h: PipelineHarness;
let hook: WebhookReceiver;
let dir: string;

before(async () => {
  hook = await startWebhookReceiver();
  dir = mkdtempSync(join(tmpdir(), 'tributary-alert-'));
  // The demo pipeline with a wrong billing secret (a failing source), partial failures and alerts.
  writeFileSync(join(dir, 'wrong-secret'), 'not-the-billing-secret\n');
  const yaml = readFileSync(DEMO_CONFIG, 'utf8')
    .replace('clientSecret: env:DEMO_BILLING_CLIENT_SECRET', `clientSecret: file:${join(dir, 'wrong-secret')}`)
    .replace('sources: [crm, billing, support]', 'sources: [crm, billing, support]\n    failurePolicy: partial');
  const configPath = join(dir, 'pipeline.yaml');
  writeFileSync(configPath, `${yaml}\nalerts:\n  webhook: { url: "${hook.url}" }\n  temporalUiUrl: http://127.0.0.1:8233\n`);
  h = await startPipelineHarness({ configPath });
});
after(async () => {
  await h?.close();
  await hook?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a failing source in an end-to-end run fires one alert per condition, with the reason and a Temporal UI link, not one per run', { timeout: 120_000 }, async () => {
  const run = (workflowId: string) => h.client.workflow.execute(syncPipeline, { workflowId, taskQueue: h.taskQueue, args: [{ pipeline: 'demo', windowEnd: '2026-10-01T00:00:00Z' }] });
  const first = await run('demo/alert-1');
  assert.equal(first.streams.find((s) => s.source === 'billing')?.status, 'failed');
  await hook.waitFor(2);
  await run('demo/alert-2');
  const byReason = Object.fromEntries(hook.received.map((r) => [r.body.reason as string, r.body]));
  assert.deepEqual(Object.keys(byReason).sort(), ['run_degraded', 'source_failed'], 'two runs, still one alert per condition');
  const failed = byReason.source_failed!;
  assert.equal(failed.state, 'firing');
  assert.equal(failed.source, 'billing');
  assert.equal(failed.runId, 'demo/alert-1');
  assert.equal(failed.temporalUrl, 'http://127.0.0.1:8233/namespaces/default/workflows/demo%2Falert-1');
  assert.match(failed.message as string, /billing\.customers failed in run demo\/alert-1: .*(401|auth|credential)/i);
  assert.ok(!JSON.stringify(hook.received).includes('not-the-billing-secret'), 'the secret is masked');

  // The operator's view: the run and its failing source through the API.
  const app = createAccessApp({ db: h.db, config: { ...h.config, access: undefined } });
  const runs = (await (await app.request('/v1/runs?pipeline=demo')).json()) as { data: Array<{ run_id: string; status: string; sources: Array<{ source: string; error?: string }> }> };
  assert.equal(runs.data[0]!.status, 'degraded');
  assert.match(runs.data[0]!.sources.find((s) => s.source === 'billing')!.error!, /401|auth|credential/i);
});
