import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { SchemaEvolutionError } from '../../merge/write/entity-table.js';
import { type MergeFixture, createMergeFixture, mergeConfig } from './merge-fixture.js';

let f: MergeFixture;
before(async () => {
  f = await createMergeFixture();
});
after(async () => {
  await f?.close();
});

const account = (fields: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  matchOn: ['email'],
  fields: { email: { type: 'string' }, name: { type: 'string', strategy: 'priority', priority: ['crm', 'billing'] }, score: { type: 'integer' }, ...fields },
  sources: {
    'crm.contacts': { deletedWhen: { path: '$.deleted' }, fields: { email: '$.email', name: '$.name', score: '$.score' } },
    'billing.customers': { fields: { email: '$.email', name: '$.name' } },
    'billing.deleted': { deletes: 'billing.customers' },
  },
  ...extra,
});

test('a tombstone withdraws one source; the entity keeps the others and records who deleted what; no source left soft-deletes it', async () => {
  const config = mergeConfig({ account: account() });
  await f.stage('d1', 'crm.contacts', [{ id: 'c1', email: 'a@x.io', name: 'Ada', score: 5 }]);
  await f.stage('d1', 'billing.customers', [{ id: 1, email: 'a@x.io', name: 'Ada B' }]);
  await f.merge(config, 'd1');
  await f.stage('d2', 'crm.contacts', [{ id: 'c1', deleted: true }], new Date('2026-03-01T00:00:00Z'));
  const [s] = await f.merge(config, 'd2');
  assert.equal(s?.withdrawn, 1);
  let [row] = await f.rows('account');
  assert.equal(row?.name, 'Ada B', 'billing now supplies the name');
  assert.equal(row?.score, null);
  assert.deepEqual(row?._sources, ['billing']);
  assert.equal(row?._deleted_at, null);
  assert.deepEqual(row?._deleted_by, [{ source: 'crm', stream: 'contacts', key: 'c1', at: '2026-03-01T00:00:00.000Z' }]);
  const lineage = await f.db.selectFrom('tributary.source_record').select(['source_key', 'deleted_run_id']).where('source', '=', 'crm').executeTakeFirstOrThrow();
  assert.equal(lineage.deleted_run_id, 'd2');

  // The deleted-records feed of billing removes the last source.
  await f.stage('d3', 'billing.deleted', [{ id: 1 }]);
  await f.merge(config, 'd3');
  [row] = await f.rows('account');
  assert.ok(row?._deleted_at instanceof Date, 'soft-deleted');
  assert.equal(row?.name, 'Ada B', 'the last values stay readable');
  assert.equal((row?._deleted_by as unknown[]).length, 2);

  // The record comes back upstream: the entity lives again.
  await f.stage('d4', 'crm.contacts', [{ id: 'c1', email: 'a@x.io', name: 'Ada', score: 5 }]);
  await f.merge(config, 'd4');
  [row] = await f.rows('account');
  assert.equal(row?._deleted_at, null);
  assert.equal(row?.name, 'Ada');
});

test('child entities: array elements keyed by parent key + child key, merged across sources, replaced as a set', async () => {
  const config = mergeConfig({
    person: { matchOn: ['email'], fields: { email: { type: 'string' } }, sources: { 'crm.contacts': { fields: { email: '$.email' } }, 'billing.customers': { fields: { email: '$.email' } } } },
    person_address: {
      parent: 'person',
      childKey: ['kind'],
      fields: { kind: { type: 'string' }, city: { type: 'string', strategy: 'priority', priority: ['billing', 'crm'] }, zip: { type: 'string' } },
      sources: {
        'crm.contacts': { each: '$.addresses[*]', fields: { kind: { path: '$.kind', transforms: ['lower'] }, city: '$.city', zip: '$.zip' } },
        'billing.customers': { each: '$.address', fields: { kind: { template: 'billing' }, city: '$.town' } },
      },
    },
  });
  await f.stage('k1', 'crm.contacts', [{ id: 'c1', email: 'a@x.io', addresses: [{ kind: 'Home', city: 'Paris', zip: '75001' }, { kind: 'billing', city: 'Lyon', zip: '69001' }] }]);
  await f.stage('k1', 'billing.customers', [{ id: 1, email: 'a@x.io', address: { town: 'Nice' } }]);
  const summaries = await f.merge(config, 'k1');
  assert.deepEqual(summaries.map((s) => s.entity), ['person', 'person_address'], 'parents merge before children');
  const [parent] = await f.rows('person');
  let children = await f.rows('person_address');
  assert.deepEqual(children.map((c) => [c._key, c._parent_key, c.kind, c.city, c.zip]), [
    [`${parent!._key}:billing`, parent!._key, 'billing', 'Nice', '69001'],
    [`${parent!._key}:home`, parent!._key, 'home', 'Paris', '75001'],
  ]);
  assert.deepEqual(children[0]!._sources, ['billing', 'crm']);

  // The CRM drops the home address: that child is withdrawn, and soft-deleted as no source is left.
  await f.stage('k2', 'crm.contacts', [{ id: 'c1', email: 'a@x.io', addresses: [{ kind: 'billing', city: 'Lyon', zip: '69001' }] }]);
  await f.merge(config, 'k2');
  children = await f.rows('person_address');
  assert.ok(children.find((c) => c.kind === 'home')?._deleted_at instanceof Date);
  assert.equal(children.find((c) => c.kind === 'billing')?._deleted_at, null);
});

test('schema evolution: a new field adds a column; a type change or removed field is refused unless a migration is named', async () => {
  const base = account();
  await f.stage('s1', 'crm.contacts', [{ id: 'c9', email: 'e@x.io', name: 'Eve', score: 7 }]);
  await f.merge(mergeConfig({ evolve: base }), 's1');

  const added = mergeConfig({ evolve: { ...account({ extra: { type: 'boolean' } }) } });
  await f.merge(added, 's1');
  const cols = (await sql<{ column_name: string }>`select column_name from information_schema.columns where table_schema = 'unified' and table_name = 'evolve'`.execute(f.db)).rows.map((r) => r.column_name);
  assert.ok(cols.includes('extra'));

  await assert.rejects(f.merge(mergeConfig({ evolve: account({ extra: { type: 'boolean' }, score: { type: 'string' } }) }), 's1'), (err: unknown) =>
    err instanceof SchemaEvolutionError && /entities\.evolve\.fields\.score/.test(err.message) && /bigint/.test(err.message) && /cast/.test(err.message) && /drop_and_refill/.test(err.message),
  );
  await assert.rejects(f.merge(mergeConfig({ evolve: account() }), 's1'), (err: unknown) => err instanceof SchemaEvolutionError && /removedFields\.extra/.test(err.message) && /keep/.test(err.message));

  // Flagged: cast keeps the data; drop_and_refill empties the column and re-merges every row.
  await f.merge(mergeConfig({ evolve: account({ extra: { type: 'boolean' }, score: { type: 'string', migrate: 'cast' } }) }), 's1');
  let [row] = await f.rows('evolve');
  assert.equal(row?.score, '7');
  await f.merge(mergeConfig({ evolve: account({ score: { type: 'decimal', migrate: 'drop_and_refill' } }, { removedFields: { extra: 'drop' } }) }), 's1');
  [row] = await f.rows('evolve');
  assert.equal(row?.score, '7', 'refilled from the stored contributions');
  assert.ok(!('extra' in row!), 'dropped');
});
