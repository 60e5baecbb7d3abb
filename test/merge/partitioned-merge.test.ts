import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { mergeRun, planPartitions, prepareMerge, writeMergePartition } from '../../merge/merge-run.js';
import { mergedTables, tableDigests } from '../support/table-digest.js';
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
function people(generation = 0) {
  const crm = Array.from({ length: 400 }, (_, i) => ({ id: `c${i}`, email: `p${i}@x.io`, name: `Crm ${i} ${generation}`, score: i % 5 }));
  const billing = Array.from({ length: 300 }, (_, i) => ({ id: 1000 + i, email: i % 7 === 0 ? null : `p${i + 200}@x.io`, crm_ref: i % 7 === 0 ? `c${i}` : null, name: `Billing ${i}`, score: i % 3 }));
  return { 'crm.contacts': crm, 'billing.customers': billing };
}

const config = (maxPartitions: number) => mergeConfig({ customer: overlappingCustomer }, { merge: { maxPartitions, keysPerPartition: 1 } });
const streams = [
  { source: 'crm', stream: 'contacts' },
  { source: 'billing', stream: 'customers' },
];

async function digest() {
  return tableDigests(f.db, await mergedTables(f.db));
}

test('a merge split over 1, 3 or 8 key-range partitions leaves the same tables, on a first load and on a changed rerun', async () => {
  const results: Array<Record<string, string>> = [];
  for (const n of [1, 3, 8]) {
    await f.mergeFresh(config(n), 'first', people());
    const plan = await f.db.selectFrom('tributary.merge_step').selectAll().execute();
    assert.deepEqual(plan, [], 'published: the steps are cleared');
    for (const [ref, rs] of Object.entries(people(1))) await f.stage('second', ref, rs);
    const [summary] = await f.merge(config(n), 'second');
    assert.equal(summary?.written, 400, `${n} partitions: the renamed CRM people are rewritten`);
    results.push(await digest());
  }
  assert.deepEqual(results[1], results[0]);
  assert.deepEqual(results[2], results[0]);
});

test('the plan splits every entity key space into the configured number of ranges; partitions cover every key once', async () => {
  await f.reset();
  for (const [ref, rs] of Object.entries(people())) await f.stage('plan', ref, rs);
  const plan = await prepareMerge(f.db, config(4), { runId: 'plan', streams });
  assert.equal(plan.entities.length, 1);
  assert.equal(plan.entities[0]!.keys, 'all', 'an empty entity: every key is written');
  assert.deepEqual(plan.entities[0]!.partitions, [
    { from: '', to: '4000' },
    { from: '4000', to: '8000' },
    { from: '8000', to: 'c000' },
    { from: 'c000', to: null },
  ]);
  const counts = [];
  for (const p of planPartitions(plan)) counts.push(await writeMergePartition(f.db, config(4), p));
  const written = counts.reduce((n, c) => n + c.written, 0);
  const rows = (await sql<{ n: number }>`select count(*)::int as n from unified.customer where _deleted_at is null`.execute(f.db)).rows[0]!.n;
  assert.equal(written, rows, 'each live row written by exactly one partition');
  assert.ok(counts.every((c) => c.written > 0), `keys spread over every partition: ${counts.map((c) => c.written).join(', ')}`);
});

test('a merge interrupted after some partitions committed, run again, redoes only the rest and ends as an uninterrupted one', async () => {
  await f.mergeFresh(config(4), 'whole', people());
  const whole = await digest();
  const [wholeSummary] = await f.merge(config(4), 'whole-again');

  await f.reset();
  for (const [ref, rs] of Object.entries(people())) await f.stage('cut', ref, rs);
  const plan = await prepareMerge(f.db, config(4), { runId: 'cut', streams });
  const [first, second] = planPartitions(plan);
  const before = await writeMergePartition(f.db, config(4), first!);
  await writeMergePartition(f.db, config(4), second!);
  // The worker died here. The retried merge finds prepare and two partitions committed.
  const again = await writeMergePartition(f.db, config(4), first!);
  assert.deepEqual(again, before, 'a committed partition returns its counts and writes nothing');
  const [summary] = await mergeRun(f.db, config(4), { runId: 'cut', streams });
  assert.deepEqual(await digest(), whole);
  assert.equal(summary?.written, (await f.rows('customer')).length, 'the summary counts every partition once');
  assert.equal(wholeSummary?.written, 0);
});

test('partitions a failed merge left unwritten are written by the next merge of the entity', async () => {
  await f.mergeFresh(config(4), 'whole', people());
  const whole = await digest();

  await f.reset();
  for (const [ref, rs] of Object.entries(people())) await f.stage('failed', ref, rs);
  const plan = await prepareMerge(f.db, config(4), { runId: 'failed', streams });
  await writeMergePartition(f.db, config(4), planPartitions(plan)[0]!);
  // The run failed (its partitions ran out of retries); its contributions are committed, three quarters of its rows are not.
  await sql`insert into tributary.run (run_id, pipeline, status, window_end, started_at) values ('failed', 'p', 'failed', now(), now())`.execute(f.db);
  assert.notDeepEqual(await digest(), whole);

  // The next run fetches the same records: nothing changed, yet the missing rows are written.
  for (const [ref, rs] of Object.entries(people())) await f.stage('next', ref, rs);
  const [summary] = await f.merge(config(4), 'next');
  assert.equal(summary?.contributionsChanged, 0);
  assert.ok((summary?.written ?? 0) > 0);
  assert.deepEqual(await digest(), whole);
  const left = await f.db.selectFrom('tributary.merge_affected_key').select('run_id').where('run_id', '=', 'failed').execute();
  assert.deepEqual(left, [], "the failed run's keys were taken over");
});
