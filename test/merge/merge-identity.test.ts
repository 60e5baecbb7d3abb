import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { type MergeFixture, createMergeFixture, mergeConfig } from './merge-fixture.js';
import { overlappingPeople } from './overlapping-people.js';

let f: MergeFixture;
before(async () => {
  f = await createMergeFixture();
});
after(async () => {
  await f?.close();
});

const config = mergeConfig({
  customer: {
    matchOn: ['email', { key: 'crm_id', from: { 'crm.contacts': '$.id', 'billing.customers': '$.crm_ref' } }],
    fields: {
      email: { type: 'string', strategy: 'min' },
      name: { type: 'string', strategy: 'priority', priority: ['crm', 'billing'] },
      score: { type: 'integer', strategy: 'sum' },
    },
    sources: {
      'crm.contacts': { fields: { email: { path: '$.email', transforms: ['trim', 'lower'] }, name: '$.name', score: '$.score' } },
      'billing.customers': { fields: { email: '$.email', name: '$.name', score: '$.score' } },
    },
  },
});

async function reset(): Promise<void> {
  await sql`drop schema if exists unified cascade`.execute(f.db);
  await sql`truncate tributary.staged_record, tributary.source_record, tributary.identity_link, tributary.entity_redirect, tributary.entity_seen, tributary.quarantine`.execute(f.db);
}

async function liveRows(): Promise<unknown[]> {
  return (await sql`select _key, email, name, score, _provenance, _sources from unified.customer where _deleted_at is null order by _key`.execute(f.db)).rows;
}

test('a record linking two entities merges them: the smaller key survives, the other points to it', async () => {
  await reset();
  await f.stage('i1', 'crm.contacts', [{ id: 'c1', email: 'ada@x.io', name: 'Ada', score: 1 }]);
  await f.stage('i1', 'billing.customers', [{ id: 7, email: 'ada@work.io', name: 'Ada L', score: 2 }]);
  await f.merge(config, 'i1');
  assert.equal((await liveRows()).length, 2);
  // Billing learns the CRM id: the two are one person.
  await f.stage('i2', 'billing.customers', [{ id: 7, email: 'ada@work.io', crm_ref: 'C1', name: 'Ada L', score: 2 }]);
  const [s] = await f.merge(config, 'i2');
  assert.equal(s?.identityMerges, 1);
  const live = (await liveRows()) as Array<Record<string, unknown>>;
  assert.equal(live.length, 1);
  assert.equal(live[0]!.name, 'Ada');
  assert.equal(live[0]!.score, 3);
  assert.deepEqual(live[0]!._sources, ['billing', 'crm']);
  const gone = (await sql<{ _key: string; _merged_into: string; _deleted_at: Date | null }>`select _key, _merged_into, _deleted_at from unified.customer where _deleted_at is not null`.execute(f.db)).rows;
  assert.equal(gone.length, 1);
  assert.equal(gone[0]!._merged_into, live[0]!._key);
  assert.ok(gone[0]!._key > (live[0]!._key as string), 'the smaller key survives');
  const lineage = await f.db.selectFrom('tributary.source_record').select(['source', 'source_key', 'entity_key']).where('entity', '=', 'customer').orderBy('source').execute();
  assert.ok(lineage.every((l) => l.entity_key === live[0]!._key), 'every source record now points to the survivor');
  const redirect = await f.db.selectFrom('tributary.entity_redirect').selectAll().executeTakeFirstOrThrow();
  assert.deepEqual([redirect.from_key, redirect.to_key, redirect.run_id], [gone[0]!._key, live[0]!._key, 'i2']);
});

test('property: identity and merge do not depend on record order, batching or the number of runs', { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(overlappingPeople, fc.array(fc.nat(), { minLength: 12, maxLength: 12 }), fc.integer({ min: 1, max: 4 }), async ({ crm, billing }, shuffle, runs) => {
      const all = [...crm.map((r) => ['crm.contacts', r] as const), ...billing.map((r) => ['billing.customers', r] as const)];

      await reset();
      await f.stage('once', 'crm.contacts', crm);
      await f.stage('once', 'billing.customers', billing);
      await f.merge(config, 'once');
      const once = await liveRows();
      // Merging twice changes nothing.
      await f.stage('twice', 'crm.contacts', crm);
      await f.stage('twice', 'billing.customers', billing);
      const [again] = await f.merge(config, 'twice');
      assert.equal(again?.written ?? 0, 0);
      assert.deepEqual(await liveRows(), once);

      await reset();
      const order = all.map((r, i) => ({ r, k: shuffle[i % shuffle.length]! * 31 + i })).sort((a, b) => a.k - b.k).map((x) => x.r);
      for (let run = 0; run < runs; run++) {
        const part = order.filter((_, i) => i % runs === run);
        for (const ref of ['crm.contacts', 'billing.customers'] as const) await f.stage(`run${run}`, ref, part.filter(([r]) => r === ref).map(([, x]) => x));
        await f.merge(config, `run${run}`);
      }
      assert.deepEqual(await liveRows(), once);
    }),
    { numRuns: 20 },
  );
});
