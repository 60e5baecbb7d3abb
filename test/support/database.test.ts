import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { databaseOf } from '../../infra/index.js';
import { createTestDatabase } from './database.js';

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>("select tablename as name from pg_tables where schemaname = 'public' order by 1");
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', { timeout: 30_000 }, () => {
  it('gives each caller its own empty database and drops it even with open connections', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    assert.notEqual(databaseOf(a.url), databaseOf(b.url));

    const lingering = new pg.Client({ connectionString: a.url });
    lingering.on('error', () => {}); // terminated by DROP ... WITH (FORCE)
    await lingering.connect();
    await lingering.query('create table only_in_a (id int)');
    assert.deepEqual(await tables(a.url), ['only_in_a']);
    assert.deepEqual(await tables(b.url), []);

    await Promise.all([a.drop(), b.drop()]);
    await a.drop(); // idempotent
    await lingering.end().catch(() => {});
    await assert.rejects(tables(a.url), /does not exist/);
  });
});
