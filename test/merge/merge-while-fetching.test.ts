import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { contentHash } from '../../core/stable-json.js';
import { followableEntities, forgetFollows, prepareMerge, recordFollowedLatest, summarizeCommitted } from '../../merge/merge-run.js';
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

/** Every table a merge writes. */
async function digest() {
  return tableDigests(f.db, await mergedTables(f.db));
}

/** Contributions stored and entity rows written so far. */
async function progress(runId: string) {
  const contributions = await sql<{ n: number }>`select count(*)::int as n from tributary.source_record where run_id = ${runId}`.execute(f.db);
  return { contributions: contributions.rows[0]!.n, rows: (await f.rows('customer')).length };
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
  const during = await progress('follow');
  assert.ok(during.contributions > 0, 'contributions were stored during the fetch');
  assert.equal(during.rows, 0, 'entity rows are written after the fetch');
  // A later page repeats 30 contacts the merge during the fetch already took, with new names.
  await restage('follow', 'crm.contacts', renamed);
  const state = (await f.db.selectFrom('tributary.merge_step').select('result').where('run_id', '=', 'follow').where('step', '=', followStep('customer')).executeTakeFirstOrThrow()).result as FollowState;
  assert.equal(state.streams['crm.contacts']?.followed, true);
  assert.equal(state.everyKeyAffected, true, 'a first load: the partitions write every key');
  const [summary] = await f.merge(config, 'follow');
  assert.deepEqual(await digest(), whole);
  assert.equal(summary?.recordsRead, wholeSummary?.recordsRead, 'every staged record counted read once');
  assert.equal(summary?.quarantined, wholeSummary?.quarantined);
  assert.equal(summary?.written, wholeSummary?.written);
  const left = await f.db.selectFrom('tributary.merge_step').select('step').where('run_id', '=', 'follow').execute();
  assert.deepEqual(left, [], 'published: the merge-during-the-fetch state is cleared with the other steps');
});

test('an entity whose only source is the fetched stream gets its rows during the fetch; the tables end as an all-at-once merge leaves them, a failed run\'s rows stay', async () => {
  const single = mergeConfig({ contact: { matchOn: ['email'], fields: overlappingCustomer.fields, sources: { 'crm.contacts': overlappingCustomer.sources['crm.contacts'] } } });
  const contacts = people()['crm.contacts']!;
  const renamed: Array<Record<string, unknown>> = contacts.slice(0, 30).map((r) => ({ ...r, name: `${String(r.name)} again` }));
  const only = [{ source: 'crm', stream: 'contacts' }];
  const rows = async () => (await sql<{ n: number }>`select count(*)::int as n from unified.contact`.execute(f.db)).rows[0]!.n;
  const listed = async () => (await sql<{ n: number }>`select count(*)::int as n from tributary.merge_affected_key`.execute(f.db)).rows[0]!.n;
  await f.reset();
  await f.stage('whole', 'crm.contacts', contacts);
  for (const r of renamed) await sql`update tributary.staged_record set payload = ${JSON.stringify(r)}, hash = ${contentHash(r)} where source_key = ${String(r.id)}`.execute(f.db);
  await f.merge(single, 'whole');
  const whole = await digest();

  await f.reset();
  await running('single');
  await f.stage('single', 'crm.contacts', contacts.slice(0, 250));
  assert.equal((await followFetchOnce(f.db, single, { runId: 'single', entity: 'contact', streams: only }, { batchRecords: 100 })).merged, 100);
  assert.equal(await rows(), 100, 'the rows are written with their contributions');
  assert.equal(await listed(), 0, 'and not listed for the partitions');
  await followFetchOnce(f.db, single, { runId: 'single', entity: 'contact', streams: only }, { batchRecords: 100 });
  await f.stage('single', 'crm.contacts', contacts.slice(250));
  // A later page repeats 30 contacts whose rows are written already, with new names.
  await restage('single', 'crm.contacts', renamed);
  await f.merge(single, 'single');
  assert.deepEqual(await digest(), whole);
  assert.equal(await listed(), 0);

  // A failed run keeps the rows written during its fetch; the next run's merge takes the rest.
  await f.reset();
  await running('failed');
  await f.stage('failed', 'crm.contacts', contacts.slice(0, 250));
  await followFetchOnce(f.db, single, { runId: 'failed', entity: 'contact', streams: only });
  // Its summary says what stays: 250 records read, 250 contributions and 250 rows written.
  const [stays] = await summarizeCommitted(f.db, 'failed');
  assert.deepEqual([stays?.entity, stays?.recordsRead, stays?.contributionsChanged, stays?.written], ['contact', 250, 250, 250]);
  await recordRunEnd(f.db, { runId: 'failed', status: 'failed', summary: {} });
  await forgetFollows(f.db, 'failed');
  assert.equal(await rows(), 250);
  await running('next');
  await f.stage('next', 'crm.contacts', contacts);
  for (const r of renamed) await sql`update tributary.staged_record set payload = ${JSON.stringify(r)}, hash = ${contentHash(r)} where source_key = ${String(r.id)} and stream_id = (select stream_id from tributary.fetch_checkpoint where run_id = 'next')`.execute(f.db);
  await f.merge(single, 'next');
  assert.deepEqual(await digest(), whole);
});

test('the latest payloads of what the merge during the fetch took in are recorded beside prepare, the rest after it: as one record of the whole stream leaves them', async () => {
  const single = mergeConfig({ contact: { matchOn: ['email'], fields: overlappingCustomer.fields, sources: { 'crm.contacts': overlappingCustomer.sources['crm.contacts'] } } });
  const only = [{ source: 'crm', stream: 'contacts' }];
  // Every 50th contact has a score that is no integer: quarantined, so its latest payload is not settled.
  const contacts = people()['crm.contacts']!.map((r, i) => (i % 50 === 7 ? { ...r, score: 'many' } : r));
  const renamed: Array<Record<string, unknown>> = contacts.slice(0, 30).map((r) => ({ ...r, name: `${String(r.name)} again` }));
  // Each latest payload with whether it points at the run's staged record of its key, as it was staged last.
  const latest = async (runId: string) =>
    (
      await sql<Record<string, unknown>>`select l.source_key, l.hash, l.fingerprint, l.settled, r.source_key = l.source_key and r.hash = l.hash as points
        from tributary.latest_record l join tributary.staged_record r on r.id = l.staged_id where l.run_id = ${runId} order by l.source_key`.execute(f.db)
    ).rows;
  for (const again of [false, true]) {
    await f.reset();
    await sql`truncate tributary.latest_record`.execute(f.db);
    await f.stage('whole', 'crm.contacts', contacts);
    if (again) for (const r of renamed) await sql`update tributary.staged_record set payload = ${JSON.stringify(r)}, hash = ${contentHash(r)} where source_key = ${String(r.id)}`.execute(f.db);
    await f.merge(single, 'whole');
    const whole = await latest('whole');
    assert.equal(whole.filter((r) => r['settled'] === false).length, 8);

    await f.reset();
    await sql`truncate tributary.latest_record`.execute(f.db);
    await running('early');
    await f.stage('early', 'crm.contacts', contacts.slice(0, 250));
    await followFetchOnce(f.db, single, { runId: 'early', entity: 'contact', streams: only }, { batchRecords: 200 });
    await f.stage('early', 'crm.contacts', contacts.slice(250));
    // A later page repeats 30 contacts the merge during the fetch took in, with new names: the stream is recorded whole after prepare.
    if (again) await restage('early', 'crm.contacts', renamed);
    assert.equal(await recordFollowedLatest(f.db, single, { runId: 'early', follow: [{ entity: 'contact' }], streams: only }), 200);
    assert.equal(await recordFollowedLatest(f.db, single, { runId: 'early', follow: [{ entity: 'contact' }], streams: [] }), 0, 'only streams the run merges');
    await f.merge(single, 'early');
    assert.deepEqual(await latest('early'), whole, again ? 'with records staged again' : 'without');
  }
  // An entity sharing the stream with another is left to prepare: the record is taken in by both first.
  const shared = mergeConfig({ contact: { matchOn: ['email'], fields: overlappingCustomer.fields, sources: { 'crm.contacts': overlappingCustomer.sources['crm.contacts'] } }, customer: overlappingCustomer });
  await f.reset();
  await running('shared');
  await f.stage('shared', 'crm.contacts', contacts);
  await followFetchOnce(f.db, shared, { runId: 'shared', entity: 'contact', streams: only });
  assert.equal(await recordFollowedLatest(f.db, shared, { runId: 'shared', follow: [{ entity: 'contact' }], streams: only }), 0);
});

test('into an entity with rows, the keys the merge during the fetch touched are listed for the partitions; a failed run\'s are written by the next merge', async () => {
  const all = people();
  const billingFirst = { 'billing.customers': all['billing.customers']! };
  // Uninterrupted: billing loaded first, then contacts merged after the fetch.
  await f.mergeFresh(config, 'base', billingFirst);
  await f.stage('whole', 'crm.contacts', all['crm.contacts']!);
  await f.merge(config, 'whole');
  const whole = await digest();

  for (const ending of ['merged', 'failed'] as const) {
    await f.mergeFresh(config, 'base', billingFirst);
    const runId = `listed-${ending}`;
    await running(runId);
    const input = { runId, entity: 'customer', streams };
    for (let i = 0; i < 400; i += 100) {
      await f.stage(runId, 'crm.contacts', all['crm.contacts']!.slice(i, i + 100));
      await followFetchOnce(f.db, config, input, { batchRecords: 150 });
    }
    const state = (await f.db.selectFrom('tributary.merge_step').select('result').where('run_id', '=', runId).where('step', '=', followStep('customer')).executeTakeFirstOrThrow()).result as FollowState;
    assert.equal(state.everyKeyAffected, false);
    if (ending === 'merged') {
      await f.merge(config, runId);
    } else {
      // The run fails before its merge; the next run of the pipeline (nothing new staged) writes the rows.
      await recordRunEnd(f.db, { runId, status: 'failed', summary: {} });
      await forgetFollows(f.db, runId);
      await running('next');
      await f.merge(config, 'next');
    }
    assert.deepEqual(await digest(), whole, ending);
    const keys = await sql<{ n: number }>`select count(*)::int as n from tributary.merge_affected_key`.execute(f.db);
    assert.equal(keys.rows[0]!.n, 0, `${ending}: no listed key left`);
  }
});

test('a first load whose run fails after the merge during the fetch stored contributions: the next merge writes their rows', async () => {
  const contacts = { 'crm.contacts': people()['crm.contacts']!.slice(0, 120) };
  await f.mergeFresh(config, 'whole', contacts);
  const whole = await digest();
  await f.reset();
  await running('failing');
  await f.stage('failing', 'crm.contacts', contacts['crm.contacts']);
  assert.equal((await followFetchOnce(f.db, config, { runId: 'failing', entity: 'customer', streams })).merged, 120);
  const [stored] = await summarizeCommitted(f.db, 'failing');
  assert.deepEqual([stored?.contributionsChanged, stored?.written], [120, 0], 'contributions stored, no row written');
  await recordRunEnd(f.db, { runId: 'failing', status: 'failed', summary: {} });
  await forgetFollows(f.db, 'failing');
  assert.deepEqual(await progress('failing'), { contributions: 120, rows: 0 });
  await running('after');
  await f.merge(config, 'after');
  assert.deepEqual(await digest(), whole);
});

test('once the run prepares its merge, the merge during the fetch stops and merges nothing more', async () => {
  await f.reset();
  const input = { runId: 'closing', entity: 'customer', streams };
  await running('closing');
  await f.stage('closing', 'crm.contacts', people()['crm.contacts']!.slice(0, 50));
  assert.deepEqual(await followFetchOnce(f.db, config, input), { merged: 50, closed: false });
  await f.stage('closing', 'crm.contacts', people()['crm.contacts']!.slice(50, 80));
  await prepareMerge(f.db, config, { runId: 'closing', streams });
  // Prepared (and, one partition, written in prepare's transaction): that is what the run committed, should it fail now.
  const [prepared] = await summarizeCommitted(f.db, 'closing');
  assert.deepEqual([prepared?.recordsRead, prepared?.contributionsChanged, prepared?.written], [80, 80, 80]);
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
