import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { type MergeFixture, createMergeFixture, mergeConfig } from './merge-fixture.js';

let f: MergeFixture;
before(async () => {
  f = await createMergeFixture();
});
after(async () => {
  await f?.close();
});

// Defect: once another entity's links were analyzed, the probes of a new entity's merge used the
// (entity, entity_key) index and filtered all of its links per value: minutes for 40k records.
test("a new entity's identity probes use the primary key, whatever the statistics say about other entities", async () => {
  const person = (source: string) => ({ matchOn: ['email'], fields: { email: { type: 'string' } }, sources: { [`${source}.contacts`]: { fields: { email: '$.email' } } } });
  const config = mergeConfig({ first: person('crm'), second: person('billing') });
  await f.stage('r1', 'crm.contacts', Array.from({ length: 2000 }, (_, i) => ({ id: `c${i}`, email: `p${i}@example.com` })));
  await f.merge(config, 'r1');
  await sql`analyze tributary.identity_link`.execute(f.db);
  const { rows } = await sql<{ 'QUERY PLAN': string }>`explain
    select w.f, w.v, l.entity_key from jsonb_to_recordset('[{"f":"email","v":"x"}]'::jsonb) as w(f text, v text)
    cross join lateral (select l.entity_key from tributary.identity_link l where l.entity = 'second' and l.match_field = w.f and l.match_value = w.v offset 0) l`.execute(f.db);
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  assert.match(plan, /identity_link_pk/, plan);
});
