import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { sql } from 'kysely';
import { createAccessApp } from '../access/index.js';
import { DEFAULT_PAGE_CONCURRENCY } from '../connectors/rate-limit/page-concurrency.js';
import { normalizeMatchValue } from '../merge/identity/identity.js';
import { streamExecutionEventBound } from '../workflows/definitions.js';
import { syncPipeline } from '../workflows/index.js';
import { type PipelineHarness, startPipelineHarness } from './support/pipeline-harness.js';

let h: PipelineHarness;
before(async () => {
  h = await startPipelineHarness();
});
after(async () => {
  await h?.close();
});

const runPipeline = (workflowId: string) =>
  h.client.workflow.execute(syncPipeline, { workflowId, taskQueue: h.taskQueue, args: [{ pipeline: 'demo', windowEnd: '2026-10-01T00:00:00Z' }] });

/** Distinct people the merge should find: one per normalized e-mail, plus each record without one. */
function expectedEntityCount(): number {
  const d = h.demo.dataset;
  const emails = new Set<string>();
  let withoutEmail = 0;
  const all = [...d.crm.contacts.map((r) => r.email), ...d.billing.customers.map((r) => r.contact.email), ...d.support.customers.map((r) => r.email)];
  for (const e of all) {
    const n = normalizeMatchValue(e);
    if (n === null) withoutEmail++;
    else emails.add(n);
  }
  return emails.size + withoutEmail;
}

test('a run fetches all three demo sources, stages them and merges one customer per person', { timeout: 120_000 }, async () => {
  const summary = await runPipeline('e2e-first');
  const d = h.demo.dataset;
  const byStream = Object.fromEntries(summary.streams.map((s) => [`${s.source}.${s.stream}`, s]));
  assert.equal(byStream['crm.contacts']?.records, d.crm.contacts.length);
  assert.equal(byStream['billing.customers']?.records, d.billing.customers.length);
  assert.equal(byStream['support.customers']?.records, d.support.customers.length);
  assert.ok(summary.streams.every((s) => s.status === 'succeeded' && !s.truncation));
  assert.ok((byStream['crm.contacts']?.pages ?? 0) > 1, 'the CRM stream paged');

  const { count } = (await sql<{ count: string }>`select count(*) from unified.customer where _deleted_at is null`.execute(h.db)).rows[0]!;
  assert.equal(Number(count), expectedEntityCount());
  const customer = summary.entities.find((e) => e.entity === 'customer');
  assert.equal(customer?.written, expectedEntityCount());
  assert.equal(customer?.quarantined, 0);

  // Someone known to all three systems: merged from all three, with provenance per field.
  const row = (await sql<Record<string, unknown>>`select * from unified.customer where cardinality(_sources) = 3 order by _key limit 1`.execute(h.db)).rows[0]!;
  assert.deepEqual(row._sources, ['billing', 'crm', 'support']);
  const provenance = row._provenance as Record<string, { source: string } | Array<{ source: string }>>;
  assert.equal((provenance.name as { source: string }).source, 'crm', 'name follows the priority list: CRM first');
  assert.equal((provenance.plan as { source: string }).source, 'billing');
  assert.equal((provenance.support_tier as { source: string }).source, 'support');
  const crm = d.crm.contacts.find((c) => normalizeMatchValue(c.email) === row.email)!;
  assert.equal(row.name, `${crm.first_name} ${crm.last_name}`);

  const runRow = (await sql<{ status: string }>`select status from tributary.run where run_id = 'e2e-first'`.execute(h.db)).rows[0];
  assert.equal(runRow?.status, 'succeeded');

  if (process.env.UPDATE_HISTORIES) {
    // Each file keeps the workflow id with the history: replay needs the id the history ran under.
    // Histories of earlier workflow shapes stay committed under their own names (sync-pipeline.json: the merge as one activity).
    for (const [file, workflowId] of [['sync-pipeline-merge-steps', 'e2e-first'], ['sync-stream', 'e2e-first/crm.contacts']] as const) {
      const history = await h.client.workflow.getHandle(workflowId).fetchHistory();
      await writeFile(new URL(`./histories/${file}.json`, import.meta.url), `{"workflowId":${JSON.stringify(workflowId)},"history":${historyToJSON(history)}}\n`);
    }
  }
});

test('a second run over unchanged upstream data rewrites no entity row', { timeout: 120_000 }, async () => {
  const summary = await runPipeline('e2e-second');
  const customer = summary.entities.find((e) => e.entity === 'customer');
  assert.equal(customer?.contributionsChanged, 0);
  assert.equal(customer?.written, 0);
});

test('a stream continues as new every chunksPerExecution chunks, its history bounded, its totals carried over', { timeout: 120_000 }, async () => {
  const workflowId = 'e2e-chunked';
  const summary = await h.client.workflow.execute(syncPipeline, {
    workflowId,
    taskQueue: h.taskQueue,
    args: [{ pipeline: 'demo', windowEnd: '2026-10-01T00:00:00Z', chunking: { pagesPerChunk: 1, chunksPerExecution: 1 } }],
  });
  const d = h.demo.dataset;
  const expected: Record<string, number> = { crm: d.crm.contacts.length, billing: d.billing.customers.length, support: d.support.customers.length };
  for (const s of summary.streams) {
    assert.equal(s.status, 'succeeded');
    assert.equal(s.records, expected[s.source], `${s.source}: every record, counted across executions`);
    // Follow the stream's chain of executions from the first.
    const id = `${workflowId}/${s.source}.${s.stream}`;
    const executions: number[] = [];
    let runId: string | undefined = (await h.client.workflow.getHandle(id).describe()).raw.workflowExecutionInfo?.firstRunId ?? undefined;
    while (runId) {
      const events = (await h.client.workflow.getHandle(id, runId).fetchHistory()).events ?? [];
      executions.push(events.length);
      runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
    }
    assert.ok(s.pages >= 2, `${s.source} paged`);
    // A chunk counts pages per page in flight: billing's pages (page count known) are fetched 4 at a time, 4 to a chunk.
    const perChunk = s.source === 'billing' ? DEFAULT_PAGE_CONCURRENCY : 1;
    assert.equal(executions.length, Math.ceil(s.pages / perChunk), `${s.source}: one execution per chunk of ${perChunk} page(s): ${executions.join(', ')} events`);
    assert.ok(Math.max(...executions) <= streamExecutionEventBound(1), `${s.source}: each execution's history stays small: ${executions.join(', ')} events`);
  }
  if (process.env.UPDATE_HISTORIES) {
    // The first execution of a stream that continued as new at its chunk cap.
    const id = `${workflowId}/crm.contacts`;
    const first = (await h.client.workflow.getHandle(id).describe()).raw.workflowExecutionInfo?.firstRunId ?? undefined;
    const history = await h.client.workflow.getHandle(id, first).fetchHistory();
    await writeFile(new URL('./histories/sync-stream-chunked.json', import.meta.url), `{"workflowId":${JSON.stringify(id)},"history":${historyToJSON(history)}}\n`);
  }
  const pipelineEvents = (await h.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const signals = pipelineEvents.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
  // At most one report every 30 s and one at the end per stream, however often a stream continued as new.
  assert.ok(signals <= summary.streams.length * 2, `the streams' continue-as-new adds no progress signals (${signals} signals)`);
});

test('a changed upstream record updates only its entity, with the new provenance', { timeout: 120_000 }, async () => {
  const contact = h.demo.dataset.crm.contacts.find((c) => normalizeMatchValue(c.email) !== null)!;
  contact.phone = '+1 555-9999';
  contact.updated_at = '2026-12-01T00:00:00.000Z';
  const summary = await runPipeline('e2e-third');
  const customer = summary.entities.find((e) => e.entity === 'customer');
  assert.equal(customer?.written, 1);
  const row = (await sql<Record<string, unknown>>`select phone, _provenance, _last_run_id from unified.customer where email = ${normalizeMatchValue(contact.email)}`.execute(h.db)).rows[0]!;
  assert.equal(row.phone, '+1 555-9999');
  assert.equal((row._provenance as { phone: { source: string } }).phone.source, 'crm');
  assert.equal(row._last_run_id, 'e2e-third');
});

test('the access API lists merged customers with keyset pagination and shows provenance', { timeout: 30_000 }, async () => {
  const app = createAccessApp({ db: h.db, config: h.config });
  const seen = new Set<string>();
  let cursor: string | null = null;
  do {
    const res: Response = await app.request(`/v1/entities/customer?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(res.status, 200);
    const page = (await res.json()) as { data: Array<{ _key: string }>; next_cursor: string | null };
    for (const r of page.data) {
      assert.ok(!seen.has(r._key), 'no row twice');
      seen.add(r._key);
    }
    cursor = page.next_cursor;
  } while (cursor);
  assert.equal(seen.size, expectedEntityCount());
  const one = (await (await app.request(`/v1/entities/customer/${[...seen][0]}`)).json()) as { _provenance: object };
  assert.ok(Object.keys(one._provenance).length > 0);
  assert.equal((await app.request('/v1/entities/nope')).status, 404);
  assert.equal((await app.request('/v1/entities/customer?limit=0')).status, 400);
  assert.equal((await app.request('/v1/entities/customer?cursor=garbage')).status, 400);
});
