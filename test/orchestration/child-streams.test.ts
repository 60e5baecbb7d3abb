import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { sql } from 'kysely';
import { syncPipeline } from '../../workflows/index.js';
import { type LatencyServer, startLatencyServer } from '../connectors/servers/latency-server.js';
import { type PipelineHarness, startPipelineHarness } from '../support/pipeline-harness.js';

/** A child stream starts on its parents' records as they are staged, not after the whole parent stream. */
const YAML = (policy: string) => `
version: 1
sources:
  lat:
    type: rest
    baseUrl: \${LAT_URL}
    retry: { attempts: 0 }
    streams:
      # No page count: the parent pages one at a time, so its stream takes a while.
      parents: { path: /parents, recordsPath: $.data, primaryKey: id, pagination: { type: page_number, param: page, totalPath: $.total } }
      children:
        path: /parents/{parent.id}/items
        recordsPath: $.data
        primaryKey: id
        parent: { stream: parents, fields: { parent_id: $.id } }
        pagination: { type: cursor, cursorPath: $.next_page, param: page }
entities:
  item:
    matchOn: [id]
    fields: { id: { type: string }, parent: { type: string } }
    sources:
      lat.children: { fields: { id: $.id, parent: $.parent_id } }
pipelines:
  lat:
    schedule: { every: 1h }
    failurePolicy: ${policy}
    sources: [lat]
`;

let api: LatencyServer;
let h: PipelineHarness;
before(async () => {
  api = await startLatencyServer({ total: 0, parents: 60, delayMs: 5 });
  const configPath = join(tmpdir(), `tributary-children-${process.pid}.yaml`);
  await writeFile(configPath, YAML('partial'));
  h = await startPipelineHarness({ configPath, env: { LAT_URL: api.url }, logLines: [] });
});
after(async () => {
  await h?.close();
  await api?.stop();
});

const run = (workflowId: string) => h.client.workflow.execute(syncPipeline, { workflowId, taskQueue: h.taskQueue, args: [{ pipeline: 'lat', windowEnd: new Date().toISOString() }] });

test('children are requested while the parent stream is still paging; every child record once', { timeout: 120_000 }, async () => {
  api.reset();
  api.parentDelayMs = 500;
  const summary = await run('children-follow');
  const children = summary.streams.find((s) => s.stream === 'children')!;
  assert.equal(children.status, 'succeeded');
  assert.equal(children.records, 60 * 4);
  const lastParentPage = Math.max(...api.log.filter((r) => r.path.startsWith('/parents?')).map((r) => r.at));
  assert.equal(api.log.filter((r) => r.path.startsWith('/parents?')).length, 7, 'six pages and an empty one, one at a time');
  const firstChild = Math.min(...api.log.filter((r) => r.path.includes('/items')).map((r) => r.at));
  assert.ok(firstChild < lastParentPage, `the first child request (${firstChild}) came before the last parent page (${lastParentPage})`);
  // The parent's first page is staged alone, at once: its children start while the second page is awaited.
  const thirdParentPage = api.log.filter((r) => r.path.startsWith('/parents?')).map((r) => r.at).sort((a, b) => a - b)[2]!;
  assert.ok(firstChild < thirdParentPage, `the first child request (${firstChild}) came before the second parent page was answered (${thirdParentPage})`);
  const staged = (await sql<{ n: number; d: number }>`select count(*)::int as n, count(distinct source_key)::int as d from tributary.staged_record r join tributary.fetch_checkpoint c using (stream_id) where c.run_id = 'children-follow' and c.stream = 'children'`.execute(h.db)).rows[0]!;
  assert.deepEqual(staged, { n: 240, d: 240 });
  assert.equal((await sql<{ n: number }>`select count(*)::int as n from unified.item`.execute(h.db)).rows[0]!.n, 240);
  if (process.env.UPDATE_HISTORIES) {
    // The pipeline's history with a child stream that follows its parent (the `children-follow-parents` patch).
    const history = await h.client.workflow.getHandle('children-follow').fetchHistory();
    await writeFile(new URL('../histories/sync-pipeline-children.json', import.meta.url), `{"workflowId":"children-follow","history":${historyToJSON(history)}}\n`);
  }
});

test('a parent stream that fails mid-way fails its child with PARENT_FAILED at once, instead of waiting for records that will not come', { timeout: 120_000 }, async () => {
  api.reset();
  api.parentDelayMs = 200;
  api.failParentsFrom = 4;
  try {
    // Every stream failed, so nothing is merged and the run fails; it says why for each stream.
    await assert.rejects(run('children-parent-fails'));
    const row = (await sql<{ status: string; summary: { streams: Array<{ stream: string; status: string; error?: string }> } }>`select status, summary from tributary.run where run_id = 'children-parent-fails'`.execute(h.db)).rows[0]!;
    assert.equal(row.status, 'failed');
    const byStream = Object.fromEntries(row.summary.streams.map((s) => [s.stream, s]));
    assert.equal(byStream.parents?.status, 'failed');
    assert.match(byStream.parents?.error ?? '', /401/);
    assert.equal(byStream.children?.status, 'failed');
    assert.match(byStream.children?.error ?? '', /parent stream lat\.parents failed/);
  } finally {
    api.failParentsFrom = undefined;
  }
});

test('a parent stream that fails after its last page (short of its reported total) fails its child too, which saw only what arrived', { timeout: 120_000 }, async () => {
  api.reset();
  api.parentDelayMs = 50;
  api.parentsTotal = 80;
  try {
    await assert.rejects(run('children-parent-short'));
    const row = (await sql<{ summary: { streams: Array<{ stream: string; status: string; error?: string }> } }>`select summary from tributary.run where run_id = 'children-parent-short'`.execute(h.db)).rows[0]!;
    const byStream = Object.fromEntries(row.summary.streams.map((s) => [s.stream, s]));
    assert.equal(byStream.parents?.status, 'failed');
    assert.match(byStream.parents?.error ?? '', /reported 80 records but 60 arrived/);
    assert.equal(byStream.children?.status, 'failed', 'not counted complete on 60 of 80 parents');
    assert.match(byStream.children?.error ?? '', /parent stream lat\.parents failed/);
  } finally {
    api.parentsTotal = undefined;
  }
});
