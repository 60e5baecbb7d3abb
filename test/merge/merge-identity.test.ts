import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { type MergeFixture, createMergeFixture, mergeConfig } from './merge-fixture.js';
import { overlappingCustomer, overlappingPeople } from './overlapping-people.js';

let f: MergeFixture;
before(async () => {
  f = await createMergeFixture();
});
after(async () => {
  await f?.close();
});

const config = mergeConfig({ customer: overlappingCustomer });
/** The same config with each entity's writes split over up to `n` partitions, however few keys. */
const partitioned = (n: number) => mergeConfig({ customer: overlappingCustomer }, { merge: { maxPartitions: n, keysPerPartition: 1 } });
const reset = () => f.reset();

async function liveRows(): Promise<unknown[]> {
  return (await sql`select _key, email, name, score, _provenance, _sources from unified.customer where _deleted_at is null order by _key`.execute(f.db)).rows;
}

/** Every live entity, and only those, is marked seen (through redirects too). */
async function assertSeenAreLive(message: string): Promise<void> {
  const seen = await f.db.selectFrom('tributary.entity_last_seen').select('entity_key').orderBy('entity_key').execute();
  const live = await sql<{ _key: string }>`select _key from unified.customer where _deleted_at is null order by _key`.execute(f.db);
  assert.deepEqual(seen.map((s) => s.entity_key), live.rows.map((r) => r._key), message);
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

test('a source added later (its first merge into an entity that has rows) updates the entities it joins and ends where one merge of both ends', async () => {
  const crm = [
    { id: 'c1', email: 'ada@x.io', name: 'Ada', score: 1 },
    { id: 'c2', email: 'bob@x.io', name: 'Bob', score: 1 },
  ];
  const billing = [
    { id: 7, email: 'ADA@x.io ', crm_ref: 'C2', name: 'Ada L', score: 2 },
    { id: 8, email: 'cy@x.io', name: 'Cy', score: 5 },
  ];
  await f.mergeFresh(config, 'both', { 'crm.contacts': crm, 'billing.customers': billing });
  const once = await liveRows();

  await reset();
  await f.stage('first', 'crm.contacts', crm);
  await f.merge(config, 'first');
  await f.stage('added', 'billing.customers', billing);
  const [added] = await f.merge(config, 'added');
  assert.equal(added?.contributionsChanged, 2);
  assert.equal(added?.identityMerges, 1, 'billing 7 joins Ada (by e-mail) and Bob (by CRM id)');
  assert.deepEqual(await liveRows(), once);
  const people = once as Array<Record<string, unknown>>;
  assert.deepEqual(people.map((r) => [r.score, r._sources]).sort(), [[4, ['billing', 'crm']], [5, ['billing']]], 'Ada, Bob and billing 7 are one person');
});

async function links(): Promise<unknown[]> {
  return (await sql`select match_field, match_value, entity_key from tributary.identity_link where entity = 'customer' order by 1, 2`.execute(f.db)).rows;
}

test('keys do not depend on the batch size: later batches follow the links and redirects earlier ones wrote', async () => {
  // Billing records in source-key order: 3 links e-mail e to CRM id c9, 4 joins d's entity to
  // e's through c9, 5 names e again. One batch at a time, 4 redirects one entity into the other
  // and 5 finds e's link already moved; in one batch the group is whole before any link exists.
  const billing = [
    { id: 1, email: 'd@x.io', name: 'D', score: 1 },
    { id: 2, email: 'e@x.io', name: 'E', score: 1 },
    { id: 3, email: 'e@x.io', crm_ref: 'c9', name: 'E', score: 1 },
    { id: 4, email: 'd@x.io', crm_ref: 'c9', name: 'D', score: 1 },
    { id: 5, email: 'e@x.io', name: 'E', score: 1 },
  ];
  const mergeIn = async (batchSize: number | undefined) => {
    await reset();
    await f.stage('b', 'billing.customers', billing);
    const [summary] = await f.merge(config, 'b', batchSize === undefined ? {} : { batchSize });
    return { summary, rows: await liveRows(), links: await links() };
  };
  const whole = await mergeIn(undefined);
  assert.equal(whole.rows.length, 1);
  assert.equal(whole.summary?.identityMerges, 0, 'in one batch the group is whole before any link is written');
  for (const batchSize of [1, 2, 3]) {
    const batched = await mergeIn(batchSize);
    if (batchSize === 1) assert.equal(batched.summary?.identityMerges, 1, 'one batch at a time, record 4 joins two entities');
    assert.deepEqual(batched.rows, whole.rows, `batch size ${batchSize}`);
    assert.deepEqual(batched.links, whole.links, `batch size ${batchSize}`);
    const records = await f.db.selectFrom('tributary.source_record').select('entity_key').distinct().execute();
    assert.deepEqual(records, [{ entity_key: (whole.rows[0] as { _key: string })._key }], `batch size ${batchSize}: every contribution on the survivor`);
  }
});

test('property: identity and merge do not depend on record order, batching, partitioning or the number of runs', { timeout: 120_000 }, async () => {
  await fc.assert(
    fc.asyncProperty(overlappingPeople, fc.array(fc.nat(), { minLength: 12, maxLength: 12 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 7 }), async ({ crm, billing }, shuffle, runs, batchSize, partitions) => {
      const all = [...crm.map((r) => ['crm.contacts', r] as const), ...billing.map((r) => ['billing.customers', r] as const)];

      await f.mergeFresh(config, 'once', { 'crm.contacts': crm, 'billing.customers': billing });
      const once = await liveRows();
      await assertSeenAreLive('one merge');
      // Merging twice changes nothing.
      await f.stage('twice', 'crm.contacts', crm);
      await f.stage('twice', 'billing.customers', billing);
      const [again] = await f.merge(config, 'twice');
      assert.equal(again?.written ?? 0, 0);
      assert.deepEqual(await liveRows(), once);

      // A few records at a time: later batches meet the links and redirects of earlier ones.
      await reset();
      await f.stage('small', 'crm.contacts', crm);
      await f.stage('small', 'billing.customers', billing);
      await f.merge(config, 'small', { batchSize });
      assert.deepEqual(await liveRows(), once, `batches of ${batchSize}`);
      await assertSeenAreLive(`batches of ${batchSize}`);

      // Entity writes split over key-range partitions, each its own transaction.
      await reset();
      await f.stage('split', 'crm.contacts', crm);
      await f.stage('split', 'billing.customers', billing);
      await f.merge(partitioned(partitions), 'split');
      assert.deepEqual(await liveRows(), once, `${partitions} partitions`);
      await assertSeenAreLive(`${partitions} partitions`);

      await reset();
      const order = all.map((r, i) => ({ r, k: shuffle[i % shuffle.length]! * 31 + i })).sort((a, b) => a.k - b.k).map((x) => x.r);
      for (let run = 0; run < runs; run++) {
        const part = order.filter((_, i) => i % runs === run);
        for (const ref of ['crm.contacts', 'billing.customers'] as const) await f.stage(`run${run}`, ref, part.filter(([r]) => r === ref).map(([, x]) => x));
        await f.merge(run % 2 === 0 ? config : partitioned(partitions), `run${run}`);
      }
      assert.deepEqual(await liveRows(), once);
      await assertSeenAreLive(`${runs} runs`);
    }),
    { numRuns: 20 },
  );
});
