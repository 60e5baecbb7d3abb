import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { contentHash } from '../../core/stable-json.js';
import { followableEntities, prepareMerge } from '../../merge/merge-run.js';
import { recordRunEnd, recordRunStart } from '../../store/run-store.js';
import { type FollowState, followFetchOnce, followStep, mergeWhileFetching } from '../../merge/run/follow-fetch.js';
import { mergedTables, tableDigests } from '../support/table-digest.js';
import { ensureStagedStream } from '../support/staged-stream.js';
import { type MergeFixture, createMergeFixture, mergeConfig } from './merge-fixture.js';
import { overlappingCustomer } from './overlapping-people.js';

let f: MergeFixture;
before(async () => {
  f = await createMergeFixture();
});
after(async () => {
  await f?.close();
});

/** 400 CRM contacts and 300 billing customers, 200 of them the same people by e-mail, some linked by CRM id. */
function people() {
  const crm = Array.from({ length: 400 }, (_, i) => ({ id: `c${i}`, email: `p${i}@x.io`, name: `Crm ${i}`, score: i % 5 }));
  const billing = Array.from({ length: 300 }, (_, i) => ({ id: 1000 + i, email: i % 7 === 0 ? null : `p${i + 200}@x.io`, crm_ref: i % 7 === 0 ? `c${i}` : null, name: `Billing ${i}`, score: i % 3 }));
  return { 'crm.contacts': crm, 'billing.customers': billing } as Record<string, Array<Record<string, unknown>>>;
}

const config = mergeConfig({ customer: overlappingCustomer });
const streams = [
  { source: 'crm', stream: 'contacts' },
  { source: 'billing', stream: 'customers' },
];

/**
 * Every merged table, the entity table by its live rows: an entity the merge during the fetch
 * wrote and a later record then merged into another stays as a row soft-deleted with
 * `_merged_into` (readers may have seen its key), which an all-at-once merge never wrote.
 */
async function digest() {
  await sql`create or replace view public.customer_live as select * from unified.customer where _deleted_at is null`.execute(f.db);
  const tables = (await mergedTables(f.db)).filter((t) => t !== 'unified.customer');
  return tableDigests(f.db, [...tables, 'public.customer_live']);
}

/** Records `runId` as running: the merge during the fetch follows only a running run. */
function running(runId: string) {
  return recordRunStart(f.db, { runId, pipeline: 'people', windowEnd: new Date('2026-01-02T00:00:00Z') });
}

/** Stages `records` again under keys already staged in the run (a later page repeated them), as the fetch's upsert does. */
async function restage(runId: string, ref: string, records: ReadonlyArray<Record<string, unknown>>) {
  const [source, stream] = ref.split('.') as [string, string];
  const id = await ensureStagedStream(f.db, { runId, source, stream }, records.length);
  for (const r of records) {
    await sql`update tributary.staged_record set payload = ${JSON.stringify(r)}, hash = ${contentHash(r)}, page_seq = 2 where stream_id = ${id} and source_key = ${String(r.id)}`.execute(f.db);
  }
  await sql`update tributary.fetch_checkpoint set duplicates = ${records.length} where stream_id = ${id}`.execute(f.db);
}

test('records merged while they are staged, then the rest after the fetch, leave the tables an all-at-once merge leaves', async () => {
  const all = people();
  const renamed: Array<Record<string, unknown>> = all['crm.contacts']!.slice(0, 30).map((r) => ({ ...r, name: `${String(r.name)} again` }));
  await f.reset();
  for (const [ref, rs] of Object.entries(all)) await f.stage('whole', ref, rs);
  for (const r of renamed) await sql`update tributary.staged_record set payload = ${JSON.stringify(r)}, hash = ${contentHash(r)} where source_key = ${String(r.id)}`.execute(f.db);
  const [wholeSummary] = await f.merge(config, 'whole');
  const whole = await digest();

  await f.reset();
  const input = { runId: 'follow', entity: 'customer', streams };
  await running('follow');
  // The fetch stages the streams a slice at a time; the merge during the fetch follows, 150 records a transaction.
  for (let i = 0; i < 400; i += 100) {
    await f.stage('follow', 'crm.contacts', all['crm.contacts']!.slice(i, i + 100));
    await f.stage('follow', 'billing.customers', all['billing.customers']!.slice((i / 100) * 75, (i / 100) * 75 + 75));
    await followFetchOnce(f.db, config, input, { batchRecords: 150 });
  }
  const during = (await f.rows('customer')).filter((r) => r._deleted_at === null).length;
  assert.ok(during > 0, 'entity rows were written during the fetch');
  // A later page repeats 30 contacts the merge during the fetch already took, with new names.
  await restage('follow', 'crm.contacts', renamed);
  const state = (await f.db.selectFrom('tributary.merge_step').select('result').where('run_id', '=', 'follow').where('step', '=', followStep('customer')).executeTakeFirstOrThrow()).result as FollowState;
  assert.equal(state.streams['crm.contacts']?.followed, true);
  const [summary] = await f.merge(config, 'follow');
  assert.deepEqual(await digest(), whole);
  const merged = await sql<{ n: number; pointed: number }>`select count(*)::int as n, count(_merged_into)::int as pointed from unified.customer where _deleted_at is not null`.execute(f.db);
  assert.equal(merged.rows[0]!.pointed, merged.rows[0]!.n, 'every extra row is an entity merged into another, and says into which');
  assert.equal(summary?.recordsRead, wholeSummary?.recordsRead, 'every staged record counted read once');
  assert.equal(summary?.quarantined, wholeSummary?.quarantined);
  assert.equal(summary?.written, wholeSummary?.written, 'an entity row written during the fetch and again after it counts once');
  const left = await f.db.selectFrom('tributary.merge_step').select('step').where('run_id', '=', 'follow').execute();
  assert.deepEqual(left, [], 'published: the merge-during-the-fetch state is cleared with the other steps');
});

test('once the run prepares its merge, the merge during the fetch stops and merges nothing more', async () => {
  await f.reset();
  const input = { runId: 'closing', entity: 'customer', streams };
  await running('closing');
  await f.stage('closing', 'crm.contacts', people()['crm.contacts']!.slice(0, 50));
  assert.deepEqual(await followFetchOnce(f.db, config, input), { merged: 50, closed: false });
  await f.stage('closing', 'crm.contacts', people()['crm.contacts']!.slice(50, 80));
  await prepareMerge(f.db, config, { runId: 'closing', streams });
  assert.deepEqual(await followFetchOnce(f.db, config, input), { merged: 0, closed: true });
  assert.deepEqual(await mergeWhileFetching(f.db, config, input), { closed: true }, 'the workflow is told not to call it again');
  const contributions = await sql<{ n: number }>`select count(*)::int as n from tributary.source_record where run_id = 'closing'`.execute(f.db);
  assert.equal(contributions.rows[0]!.n, 80, 'prepare took the 30 the merge during the fetch did not');
});

test('an attempt that starts late (its merge prepared or published, or the run over) records and merges nothing', async () => {
  await f.reset();
  const input = { runId: 'late', entity: 'customer', streams };
  await running('late');
  await f.stage('late', 'crm.contacts', people()['crm.contacts']!.slice(0, 50));
  // The merge after the fetch runs before the merge during the fetch ever got to it.
  await f.merge(config, 'late');
  assert.equal((await followFetchOnce(f.db, config, input)).merged, 0);
  await recordRunEnd(f.db, { runId: 'late', status: 'succeeded', summary: {} });
  assert.deepEqual(await followFetchOnce(f.db, config, input), { merged: 0, closed: true });
  const steps = await f.db.selectFrom('tributary.merge_step').select('step').where('run_id', '=', 'late').execute();
  assert.deepEqual(steps, []);
});

test('a stream that already contributes to the entity is merged after the fetch, whole', async () => {
  await f.mergeFresh(config, 'first', { 'crm.contacts': people()['crm.contacts']!.slice(0, 20) });
  const input = { runId: 'second', entity: 'customer', streams };
  await running('second');
  await f.stage('second', 'crm.contacts', people()['crm.contacts']!.slice(0, 40));
  assert.deepEqual(await followFetchOnce(f.db, config, input), { merged: 0, closed: false });
  const [summary] = await f.merge(config, 'second');
  assert.equal(summary?.recordsRead, 40);
  assert.equal(summary?.recordsUnchanged, 20);
});

test('which entities merge during the fetch: top-level ones without failAbove, children or a deletes feed, unless overlap is off', () => {
  const child = { parent: 'customer', childKey: ['kind'], fields: { kind: { type: 'string' } }, sources: { 'crm.contacts': { each: '$.phones[*]', fields: { kind: '$.kind' } } } };
  const guarded = { ...overlappingCustomer, quarantine: { failAbove: 0.1 } };
  const withDeletes = { ...overlappingCustomer, sources: { ...overlappingCustomer.sources, 'crm.deleted': { deletes: 'crm.contacts' } } };
  const run = [...streams, { source: 'crm', stream: 'deleted' }];
  assert.deepEqual(followableEntities(mergeConfig({ customer: overlappingCustomer }), run).map((e) => e.entity), ['customer']);
  assert.deepEqual(followableEntities(mergeConfig({ customer: overlappingCustomer }), [streams[1]!]), [{ entity: 'customer', streams: [streams[1]] }]);
  assert.deepEqual(followableEntities(mergeConfig({ customer: guarded }), run), []);
  assert.deepEqual(followableEntities(mergeConfig({ customer: overlappingCustomer, phone: child }), run), []);
  assert.deepEqual(followableEntities(mergeConfig({ customer: withDeletes }), run), []);
  assert.deepEqual(followableEntities(mergeConfig({ customer: overlappingCustomer }, { merge: { overlap: false } }), run), []);
});
