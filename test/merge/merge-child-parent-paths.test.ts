import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type MergeFixture, createMergeFixture, mergeConfig } from './merge-fixture.js';

let f: MergeFixture;
before(async () => {
  f = await createMergeFixture();
});
after(async () => {
  await f?.close();
});

test('a child mapping reads its parent record through $parent paths (fields, templates and updatedAt)', async () => {
  const config = mergeConfig({
    person: { matchOn: ['email'], fields: { email: { type: 'string' } }, sources: { 'crm.contacts': { fields: { email: '$.email' } }, 'billing.customers': { fields: { email: '$.email' } } } },
    person_phone: {
      parent: 'person',
      childKey: ['kind'],
      fields: { kind: { type: 'string' }, number: { type: 'string', strategy: 'latest' }, label: { type: 'string' }, region: { type: 'string' } },
      sources: {
        'crm.contacts': {
          each: '$.phones[*]',
          updatedAt: '$parent.updated_at',
          fields: { kind: '$.kind', number: '$.number', label: { template: '{$parent.name} ({kind})' }, region: '$parent.region' },
        },
        'billing.customers': { each: '$.phone', updatedAt: '$parent.modified', fields: { kind: { template: 'work' }, number: '$.value' } },
      },
    },
  });
  await f.stage('p1', 'crm.contacts', [{ id: 'c1', email: 'a@x.io', name: 'Ada', region: 'EU', updated_at: '2026-01-05T00:00:00Z', phones: [{ kind: 'work', number: '111' }, { kind: 'home', number: '222' }] }]);
  // Billing's record is newer (its parent's `modified`): its work number wins under `latest`.
  await f.stage('p1', 'billing.customers', [{ id: 1, email: 'a@x.io', modified: '2026-01-09T00:00:00Z', phone: { value: '333' } }]);
  await f.merge(config, 'p1');
  const [parent] = await f.rows('person');
  const phones = await f.rows('person_phone');
  assert.deepEqual(
    phones.map((p) => [p._key, p.kind, p.number, p.label, p.region]),
    [
      [`${parent!._key}:home`, 'home', '222', 'Ada (home)', 'EU'],
      [`${parent!._key}:work`, 'work', '333', 'Ada (work)', 'EU'],
    ],
  );
  const work = phones[1]!._provenance as Record<string, { source: string; at: string }>;
  assert.equal(work.number?.source, 'billing');
  assert.equal(work.region?.source, 'crm');
  assert.equal(work.label?.at, '2026-01-05T00:00:00.000Z', "the parent's updated_at is the child's update time");

  // A change only in the parent record reaches its children.
  await f.stage('p2', 'crm.contacts', [{ id: 'c1', email: 'a@x.io', name: 'Ada L', region: 'EU', updated_at: '2026-01-06T00:00:00Z', phones: [{ kind: 'work', number: '111' }, { kind: 'home', number: '222' }] }]);
  const summaries = await f.merge(config, 'p2');
  assert.equal(summaries.find((s) => s.entity === 'person_phone')?.written, 2);
  assert.deepEqual((await f.rows('person_phone')).map((p) => p.label), ['Ada L (home)', 'Ada L (work)']);
});
