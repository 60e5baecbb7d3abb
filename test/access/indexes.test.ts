import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { parseListParams } from '../../access/entity-params.js';
import { listEntityPage } from '../../access/entity-query.js';
import { type MergeFixture, createMergeFixture, mergeConfig } from '../merge/merge-fixture.js';

let f: MergeFixture;
before(async () => {
  f = await createMergeFixture();
});
after(async () => {
  await f?.close();
});

const entity = (indexPlan: boolean) => ({
  matchOn: ['email'],
  fields: { email: { type: 'string' }, plan: { type: 'string', index: indexPlan }, tags: { type: 'string', array: true, strategy: 'union', index: indexPlan } },
  sources: { 'crm.contacts': { fields: { email: '$.email', plan: '$.plan', tags: '$.tags' } } },
});

const indexes = async () => (await sql<{ indexname: string }>`select indexname from pg_indexes where schemaname = 'unified' and tablename = 'customer' order by indexname`.execute(f.db)).rows.map((r) => r.indexname);

/** The plan of a query with sequential scans priced out, as on a large table. */
async function planOf(query: string): Promise<string> {
  return f.db.connection().execute(async (conn) => {
    await sql`set enable_seqscan = off`.execute(conn);
    const rows = (await sql.raw<{ 'QUERY PLAN': string }>(`explain ${query}`).execute(conn)).rows;
    await sql`reset enable_seqscan`.execute(conn);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

test('the default order and updated_since read an index; fields marked index: true get one, and lose it when unmarked', async () => {
  const records = Array.from({ length: 50 }, (_, i) => ({ id: `c${i}`, email: `p${i}@example.com`, plan: i % 2 ? 'pro' : 'free', tags: ['a'] }));
  await f.stage('r1', 'crm.contacts', records);
  const marked = mergeConfig({ customer: entity(true) });
  await f.merge(marked, 'r1');
  assert.deepEqual(await indexes(), ['customer__changed', 'customer__f_plan', 'customer__f_tags', 'customer_pkey']);

  const page = parseListParams(marked.entities.customer!, [['updated_since', '2020-01-01T00:00:00Z'], ['limit', '10']], { maxPageSize: 100, defaultPageSize: 10 });
  const first = await listEntityPage(f.db, 'customer', marked.entities.customer!, page);
  const second = await listEntityPage(f.db, 'customer', marked.entities.customer!, { ...page, after: first.nextCursor! });
  assert.equal(new Set([...first.rows, ...second.rows].map((r) => r._key)).size, 20, 'keyset pages follow on');
  assert.match(
    await planOf(`select _key from unified.customer where _deleted_at is null and _last_changed >= '2020-01-01' and (_last_changed, _key) > (now() - interval '1 day', 'x') order by _last_changed, _key limit 11`),
    /Index (Only )?Scan using customer__changed[\s\S]*Index Cond: .*ROW\(_last_changed, _key\) >/,
  );
  assert.match(await planOf(`select _key from unified.customer where _deleted_at is null and plan = 'pro' order by plan, _key limit 11`), /customer__f_plan/);

  await f.stage('r2', 'crm.contacts', records);
  await f.merge(mergeConfig({ customer: entity(false) }), 'r2');
  assert.deepEqual(await indexes(), ['customer__changed', 'customer_pkey']);
});
