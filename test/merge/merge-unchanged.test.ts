import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { contentHash } from '../../core/stable-json.js';
import { mergeRun } from '../../merge/merge-run.js';
import { chooseSeenLookup, estimateStaged, markStreamSeen } from '../../merge/contributions/mark-stream-seen.js';
import { mappingFingerprint } from '../../config/entities/mapping-fingerprint.js';
import { withPlannerSettings } from '../../merge/planner-settings.js';
import type { Database } from '../../store/database-schema.js';
import { ensureStagedStream } from '../support/staged-stream.js';
import { type MergeFixture, createMergeFixture, mergeConfig } from './merge-fixture.js';
import { overlappingCustomer, overlappingPeople } from './overlapping-people.js';

let f: MergeFixture;
before(async () => {
  f = await createMergeFixture();
});
after(async () => {
  await f?.close();
});

// Tombstones too: a CRM record with `gone` withdraws its contribution.
const customer = {
  ...overlappingCustomer,
  sources: { ...overlappingCustomer.sources, 'crm.contacts': { ...overlappingCustomer.sources['crm.contacts'], deletedWhen: { path: '$.gone' } } },
};
const config = mergeConfig({ customer });
const reset = () => f.reset();

async function liveRows(): Promise<Array<Record<string, unknown>>> {
  return (await sql<Record<string, unknown>>`select _key, email, name, score, _provenance, _sources from unified.customer where _deleted_at is null order by _key`.execute(f.db)).rows;
}

/** Stages a record whose staged hash claims `claimed` (so a skipped record is told apart from a re-mapped one). */
async function stageClaiming(runId: string, ref: string, record: Record<string, unknown>, claimed: Record<string, unknown>, fetchedAt: Date): Promise<void> {
  const [source, stream] = ref.split('.') as [string, string];
  await f.db
    .insertInto('tributary.staged_record')
    .values({ stream_id: await ensureStagedStream(f.db, { runId, source, stream }, 1), page_seq: 1, source_key: String(record.id), payload: JSON.stringify(record), hash: contentHash(claimed), fetched_at: fetchedAt })
    .execute();
}

test('an unchanged record is not mapped again, yet counts as read and its entity is seen by the run', async () => {
  await reset();
  const ada = { id: 'c1', email: 'ada@x.io', name: 'Ada', score: 1 };
  await f.stage('u1', 'crm.contacts', [ada, { id: 'c2', email: 'bob@x.io', name: 'Bob', score: 2 }], new Date('2026-01-01T00:00:00Z'));
  await f.merge(config, 'u1');
  // The payload differs but its staged hash says it is the one already merged: it is skipped.
  await stageClaiming('u2', 'crm.contacts', { ...ada, name: 'Not read' }, ada, new Date('2026-02-01T00:00:00Z'));
  await f.stage('u2', 'crm.contacts', [{ id: 'c2', email: 'bob@x.io', name: 'Bobby', score: 2 }], new Date('2026-02-01T00:00:00Z'));
  const [s] = await f.merge(config, 'u2');
  assert.equal(s?.recordsRead, 2);
  // Defect: a no-op rerun printed "unchanged 0"; the skipped records are counted.
  assert.equal(s?.recordsUnchanged, 1);
  assert.equal(s?.contributionsChanged, 1);
  const names = (await liveRows()).map((r) => r.name).sort();
  assert.deepEqual(names, ['Ada', 'Bobby']);
  const seen = await f.db.selectFrom('tributary.entity_last_seen').select(['last_run_id', 'last_seen']).execute();
  assert.equal(seen.length, 2);
  assert.ok(seen.every((x) => x.last_run_id === 'u2' && x.last_seen.toISOString() === '2026-02-01T00:00:00.000Z'));

  // A config change re-maps every record, skipped or not.
  const upper = mergeConfig({ customer: { ...customer, sources: { ...customer.sources, 'crm.contacts': { ...customer.sources['crm.contacts'], fields: { ...customer.sources['crm.contacts'].fields, name: { path: '$.name', transforms: ['upper'] } } } } } });
  await stageClaiming('u3', 'crm.contacts', { ...ada, name: 'Ada' }, ada, new Date('2026-03-01T00:00:00Z'));
  const [s3] = await f.merge(upper, 'u3');
  assert.equal(s3?.contributionsChanged, 1);
  assert.ok((await liveRows()).some((r) => r.name === 'ADA'));
});

test('last seen moves on only by at least an hour, so close reruns rewrite no seen row', async () => {
  await reset();
  const ada = { id: 'c1', email: 'ada@x.io', name: 'Ada', score: 1 };
  await f.stage('s1', 'crm.contacts', [ada], new Date('2026-01-01T00:00:00Z'));
  await f.merge(config, 's1');
  await f.stage('s2', 'crm.contacts', [ada], new Date('2026-01-01T00:30:00Z'));
  await f.merge(config, 's2');
  const close = await f.db.selectFrom('tributary.entity_last_seen').select(['last_run_id', 'last_seen']).executeTakeFirstOrThrow();
  assert.deepEqual([close.last_run_id, close.last_seen.toISOString()], ['s1', '2026-01-01T00:00:00.000Z']);
  await f.stage('s3', 'crm.contacts', [ada], new Date('2026-01-01T01:00:00Z'));
  await f.merge(config, 's3');
  const later = await f.db.selectFrom('tributary.entity_last_seen').select(['last_run_id', 'last_seen']).executeTakeFirstOrThrow();
  assert.deepEqual([later.last_run_id, later.last_seen.toISOString()], ['s3', '2026-01-01T01:00:00.000Z']);
});

test('a payload change outside the mapped fields is no change, and the record is skipped from then on', async () => {
  await reset();
  const ada = { id: 'c1', email: 'ada@x.io', name: 'Ada', score: 1 };
  await f.stage('p1', 'crm.contacts', [ada]);
  await f.merge(config, 'p1');
  const before = await f.db.selectFrom('tributary.source_record').select(['raw_hash', 'run_id', 'fetched_at']).executeTakeFirstOrThrow();
  await f.stage('p2', 'crm.contacts', [{ ...ada, note: 'unmapped' }], new Date('2026-02-01T00:00:00Z'));
  const [s] = await f.merge(config, 'p2');
  assert.equal(s?.contributionsChanged, 0);
  assert.equal(s?.written, 0);
  const afterwards = await f.db.selectFrom('tributary.source_record').select(['raw_hash', 'run_id', 'fetched_at']).executeTakeFirstOrThrow();
  assert.notEqual(afterwards.raw_hash, before.raw_hash, 'the new payload is recorded');
  assert.equal(afterwards.run_id, 'p1', 'the contribution itself did not change');
  assert.deepEqual(afterwards.fetched_at, before.fetched_at);
  await stageClaiming('p3', 'crm.contacts', { ...ada, name: 'Not read' }, { ...ada, note: 'unmapped' }, new Date('2026-03-01T00:00:00Z'));
  await f.merge(config, 'p3');
  assert.equal((await liveRows())[0]?.name, 'Ada');
});

test('a tombstone of an unchanged record withdraws it; the same payload again brings it back', async () => {
  await reset();
  const ada = { id: 'c1', email: 'ada@x.io', name: 'Ada', score: 1 };
  await f.stage('t1', 'crm.contacts', [ada]);
  await f.merge(config, 't1');
  await f.stage('t2', 'crm.contacts', [{ ...ada, gone: true }]);
  const [s2] = await f.merge(config, 't2');
  assert.equal(s2?.withdrawn, 1);
  assert.equal((await liveRows()).length, 0);
  await f.stage('t3', 'crm.contacts', [ada]);
  const [s3] = await f.merge(config, 't3');
  assert.equal(s3?.contributionsChanged, 1, 'a withdrawn contribution is never skipped');
  assert.equal((await liveRows()).length, 1);
});

test('re-merging a past run re-maps the records whose payload is not the current one', async () => {
  await reset();
  const ada = { id: 'c1', email: 'ada@x.io', name: 'Ada', score: 1 };
  await f.stage('r1', 'crm.contacts', [ada]);
  await f.merge(config, 'r1');
  await f.stage('r2', 'crm.contacts', [{ ...ada, name: 'Ada L' }]);
  await f.merge(config, 'r2');
  const [s] = await mergeRun(f.db, config, { runId: 'rr', stagedRunId: 'r1', streams: [{ source: 'crm', stream: 'contacts' }, { source: 'billing', stream: 'customers' }] });
  assert.equal(s?.contributionsChanged, 1);
  assert.equal((await liveRows())[0]?.name, 'Ada');
});

test('property: runs that repeat earlier records unchanged (skipped) end where one merge of everything ends', { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(overlappingPeople, fc.array(fc.nat(), { minLength: 12, maxLength: 12 }), fc.integer({ min: 2, max: 4 }), async ({ crm, billing }, shuffle, runs) => {
      const all = [...crm.map((r) => ['crm.contacts', r] as const), ...billing.map((r) => ['billing.customers', r] as const)];

      await f.mergeFresh(config, 'once', { 'crm.contacts': crm, 'billing.customers': billing });
      const once = await liveRows();

      await reset();
      const order = all.map((r, i) => ({ r, k: shuffle[i % shuffle.length]! * 31 + i })).sort((a, b) => a.k - b.k).map((x) => x.r);
      for (let run = 0; run < runs; run++) {
        // Each run stages everything the earlier runs staged, plus a new share.
        const part = order.filter((_, i) => i % runs <= run);
        for (const ref of ['crm.contacts', 'billing.customers'] as const) await f.stage(`run${run}`, ref, part.filter(([r]) => r === ref).map(([, x]) => x));
        await f.merge(config, `run${run}`);
      }
      const live = await liveRows();
      assert.deepEqual(live, once);
      // Every live entity, and only those, was seen (through redirects too).
      const seen = await f.db.selectFrom('tributary.entity_last_seen').select('entity_key').orderBy('entity_key').execute();
      assert.deepEqual(seen.map((s) => s.entity_key), live.map((r) => r._key));
    }),
    { numRuns: 25 },
  );
});

test('marking seen by walking entity_seen and by probing it marks the same rows and lists the same changes', async () => {
  await reset();
  const people = Array.from({ length: 40 }, (_, i) => ({ id: `c${i}`, email: `p${i}@x.io`, name: `P${i}`, score: i }));
  await f.stage('w1', 'crm.contacts', people, new Date('2026-01-01T00:00:00Z'));
  await f.merge(config, 'w1');
  // A first load writes no seen row: its contributions' fetch times say when the entities were seen.
  assert.equal((await sql<{ n: number }>`select count(*)::int as n from tributary.entity_seen`.execute(f.db)).rows[0]!.n, 0);
  // Half an hour later (no move); three records fetched two hours before (they move), one of
  // them also seen 90 minutes before (its row moves on); a change and a new record.
  await sql`update tributary.source_record set fetched_at = fetched_at - interval '2 hours' where source_key in ('c1', 'c2', 'c3')`.execute(f.db);
  await sql`insert into tributary.entity_seen (entity, entity_key, last_seen, last_run_id)
    select entity, entity_key, timestamptz '2026-01-01T00:00:00Z' - interval '90 minutes', 'w0' from tributary.source_record where source_key = 'c3'`.execute(f.db);
  const next = [...people.slice(0, 30), { ...people[30]!, name: 'Changed' }, { id: 'c99', email: 'new@x.io', name: 'New', score: 0 }];
  await f.stage('w2', 'crm.contacts', next, new Date('2026-01-01T00:30:00Z'));
  const q = { runId: 'w2', source: 'crm', stream: 'contacts', entity: 'customer', fingerprint: mappingFingerprint(config.entities.customer!, 'crm.contacts'), mergeRunId: 'w2' };
  const outcome = async (lookup: 'walk' | 'probe') => {
    let result: unknown;
    await f.db
      .transaction()
      .execute(async (trx) => {
        const counts = await markStreamSeen(trx, { ...q, lookup });
        const seen = await sql`select entity_key, last_seen, last_run_id from tributary.entity_seen order by entity_key`.execute(trx);
        const changed = await sql`select source_key from merge_changed order by source_key`.execute(trx);
        result = { counts, seen: seen.rows, changed: changed.rows };
        throw new Error('roll back');
      })
      .catch((err: Error) => assert.equal(err.message, 'roll back'));
    return result as { counts: unknown; seen: Array<{ last_run_id: string }>; changed: Array<{ source_key: string }> };
  };
  const walk = await outcome('walk');
  const probe = await outcome('probe');
  assert.deepEqual(walk, probe);
  assert.deepEqual(walk.counts, { staged: 32, unchanged: 30 });
  assert.deepEqual(walk.changed.map((c) => c.source_key), ['c30', 'c99']);
  assert.equal(walk.seen.filter((r) => r.last_run_id === 'w2').length, 3, 'the two stale sightings are recorded and the stale row moved on');
  assert.equal(walk.seen.length, 3, 'sightings within the hour of their contributions write no row');
});

test('marking seen walks entity_seen for a stream that covers a good part of the entity, and probes it for a small one', async () => {
  await reset();
  const people = Array.from({ length: 50 }, (_, i) => ({ id: `c${i}`, email: `p${i}@x.io`, name: `P${i}`, score: i }));
  await f.stage('a1', 'crm.contacts', people);
  await f.merge(config, 'a1');
  // Seen rows of later sightings (a first load writes none).
  await sql`insert into tributary.entity_seen (entity, entity_key, last_seen, last_run_id) select entity, entity_key, fetched_at + interval '2 hours', 'a1b' from tributary.source_record`.execute(f.db);
  await f.stage('a2', 'crm.contacts', people.slice(0, 20));
  await f.stage('a3', 'crm.contacts', people.slice(0, 2));
  const q = { source: 'crm', stream: 'contacts', entity: 'customer', fingerprint: '', mergeRunId: 'x' };
  assert.equal(await chooseSeenLookup(f.db, { ...q, runId: 'a2' }), 'walk');
  assert.equal(await chooseSeenLookup(f.db, { ...q, runId: 'a3' }), 'probe');
  // A fetched stream's size is what its checkpoint counted, not a count of its staged rows.
  const counted = (run: string, records: number) => f.db.updateTable('tributary.fetch_checkpoint').set({ records }).where('run_id', '=', run).execute();
  await counted('a3', 200);
  assert.equal(await estimateStaged(f.db, { runId: 'a3', source: 'crm', stream: 'contacts' }), 200);
  assert.equal(await estimateStaged(f.db, { runId: 'a2', source: 'crm', stream: 'contacts' }), 20);
  assert.equal(await chooseSeenLookup(f.db, { ...q, runId: 'a3' }), 'walk');
  // With statistics, a table within the bound is not counted; one beyond it still is.
  await sql`analyze tributary.entity_seen`.execute(f.db);
  assert.equal(await chooseSeenLookup(f.db, { ...q, runId: 'a2' }), 'walk');
  await sql`insert into tributary.entity_seen (entity, entity_key, last_seen, last_run_id) select 'other', 'k' || g, now(), 'x' from generate_series(1, 500) g`.execute(f.db);
  await sql`analyze tributary.entity_seen`.execute(f.db);
  assert.equal(await chooseSeenLookup(f.db, { ...q, runId: 'a2' }), 'walk', 'counted: the entity itself is within the bound');
  await counted('a3', 2);
  assert.equal(await chooseSeenLookup(f.db, { ...q, runId: 'a3' }), 'probe');
  assert.equal(await estimateStaged(f.db, { runId: 'a4', source: 'crm', stream: 'contacts' }), 0, 'no checkpoint: nothing staged');
});

test('withPlannerSettings changes planner settings for its work only, inside the transaction', async () => {
  const setting = async (db: Kysely<Database>) => (await sql<{ v: string }>`select current_setting('enable_nestloop') as v`.execute(db)).rows[0]!.v;
  await f.db.transaction().execute(async (trx) => {
    const during = await withPlannerSettings(trx, { enable_nestloop: 'off' }, () => setting(trx));
    assert.equal(during, 'off');
    assert.equal(await setting(trx), 'on', 'restored after the work');
  });
  assert.equal(await setting(f.db), 'on');
});
