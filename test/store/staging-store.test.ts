import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { migrations } from '../../migrations/index.js';
import { connectDatabase, createDatabase } from '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { migrateToLatest } from '../../store/migrate.js';
import { stagedStreamId } from '../../store/staging/staged-stream.js';
import { CheckpointConflictError, type FetchCheckpoint, type StagedRecordInput, type StreamRunKey, readStagedRecords, stagePage, stagePages } from '../../store/staging/staging-store.js';
import { type TestDatabase, createTestDatabase } from '../support/database.js';

let database: TestDatabase;
let copyDb: Kysely<Database>;
let copyPool: pg.Pool;
let plainPool: pg.Pool;
let plainDb: Kysely<Database>;
before(async () => {
  database = await createTestDatabase();
  ({ db: copyDb, pool: copyPool } = connectDatabase(database.url));
  await migrateToLatest(copyDb);
  // Staged without a copy pool: one upsert statement.
  plainPool = new pg.Pool({ connectionString: database.url, max: 2 });
  plainDb = new Kysely<Database>({ dialect: new PostgresDialect({ pool: plainPool }) });
});
after(async () => {
  await copyDb?.destroy();
  await plainDb?.destroy();
  await database?.drop();
});

const input = (record: Record<string, unknown>, sourceKey = String(record['id'])): StagedRecordInput => {
  const payloadJson = JSON.stringify(record);
  return { sourceKey, payloadJson, hash: createHash('sha256').update(payloadJson).digest('hex').slice(0, 32) };
};
const checkpoint = (pages: number, records: number, done = false): FetchCheckpoint => ({ pages, records, state: done ? null : { cursor: `c${pages}` }, done, reportedTotal: null, paginationType: 'cursor' });
const readAll = async (db: Kysely<Database>, key: StreamRunKey, batchSize = 2000) => {
  const out = [];
  for await (const batch of readStagedRecords(db, key, batchSize)) out.push(...batch);
  return out;
};
const checkpointPages = async (db: Kysely<Database>, key: StreamRunKey) =>
  (await db.selectFrom('tributary.fetch_checkpoint').select('pages').where('run_id', '=', key.runId).where('source', '=', key.source).where('stream', '=', key.stream).executeTakeFirst())?.pages;

for (const [name, dbOf] of [
  ['COPY', () => ({ db: copyDb, copyPool })],
  ['upsert fallback', () => ({ db: plainDb })],
] as const) {
  describe(`stagePage (${name})`, () => {
    test('stages pages with their checkpoint and reads them back in staging order', async () => {
      const target = dbOf();
      const { db } = target;
      const key = { runId: `${name}/order`, source: 'crm', stream: 'contacts' };
      const other = { ...key, stream: 'deals' };
      await stagePage(target, key, { seq: 1, records: [input({ id: 'b', n: 1 }), input({ id: 'a', n: 2 })], fetchedAt: new Date('2026-01-01T00:00:00Z'), checkpoint: checkpoint(1, 2), lazyCommit: true });
      await stagePage(target, other, { seq: 1, records: [input({ id: 'x' })], fetchedAt: new Date('2026-01-01T00:00:00Z'), checkpoint: checkpoint(1, 1, true) });
      await stagePage(target, key, { seq: 2, records: [input({ id: 'c', n: 3 })], fetchedAt: new Date('2026-01-01T00:01:00Z'), checkpoint: checkpoint(2, 3, true) });
      const rows = await readAll(db, key, 2);
      assert.deepEqual(rows.map((r) => [r.sourceKey, r.payload]), [['b', { id: 'b', n: 1 }], ['a', { id: 'a', n: 2 }], ['c', { id: 'c', n: 3 }]]);
      assert.equal(rows[2]!.fetchedAt.toISOString(), '2026-01-01T00:01:00.000Z');
      assert.equal(rows[0]!.hash, input({ id: 'b', n: 1 }).hash);
      assert.equal(await checkpointPages(db, key), 2);
      assert.deepEqual((await readAll(db, other)).map((r) => r.sourceKey), ['x']);
    });

    test('a zombie attempt gets CheckpointConflictError and stages nothing', async () => {
      const target = dbOf();
      const { db } = target;
      const key = { runId: `${name}/zombie`, source: 'crm', stream: 'contacts' };
      await stagePage(target, key, { seq: 1, records: [input({ id: 'a' })], fetchedAt: new Date(), checkpoint: checkpoint(1, 1) });
      await assert.rejects(stagePage(target, key, { seq: 1, records: [input({ id: 'z1' })], fetchedAt: new Date(), checkpoint: checkpoint(1, 1) }), CheckpointConflictError);
      await stagePage(target, key, { seq: 2, records: [input({ id: 'b' })], fetchedAt: new Date(), checkpoint: checkpoint(2, 2) });
      await assert.rejects(stagePage(target, key, { seq: 2, records: [input({ id: 'z2' })], fetchedAt: new Date(), checkpoint: checkpoint(2, 2) }), CheckpointConflictError);
      await assert.rejects(stagePage(target, key, { seq: 4, records: [input({ id: 'z4' })], fetchedAt: new Date(), checkpoint: checkpoint(4, 3) }), CheckpointConflictError);
      assert.deepEqual((await readAll(db, key)).map((r) => r.sourceKey), ['a', 'b']);
      assert.equal(await checkpointPages(db, key), 2);
    });

    test('a record seen twice in a run keeps its first place and takes its latest version', async () => {
      const target = dbOf();
      const { db } = target;
      const key = { runId: `${name}/twice`, source: 'crm', stream: 'contacts' };
      await stagePage(target, key, { seq: 1, records: [input({ id: 'a', v: 1 }), input({ id: 'b', v: 1 })], fetchedAt: new Date(), checkpoint: checkpoint(1, 2), lazyCommit: true });
      // Across pages (an offset paginator's overlap) and within one page.
      await stagePage(target, key, { seq: 2, records: [input({ id: 'c', v: 1 }), input({ id: 'a', v: 2 }), input({ id: 'c', v: 2 })], fetchedAt: new Date(), checkpoint: checkpoint(2, 5) });
      const rows = await readAll(db, key);
      assert.deepEqual(rows.map((r) => [r.sourceKey, r.payload]), [['a', { id: 'a', v: 2 }], ['b', { id: 'b', v: 1 }], ['c', { id: 'c', v: 2 }]]);
      assert.equal(rows[0]!.hash, input({ id: 'a', v: 2 }).hash);
      assert.equal(await checkpointPages(db, key), 2, 'the checkpoint advanced once');
      // The same key in another run is another record.
      await stagePage(target, { ...key, runId: `${name}/twice-2` }, { seq: 1, records: [input({ id: 'a', v: 3 })], fetchedAt: new Date(), checkpoint: checkpoint(1, 1) });
      assert.deepEqual((await readAll(db, key))[0]!.payload, { id: 'a', v: 2 });
    });

    test('stages consecutive pages in one transaction, each record with its page, and refuses a gap', async () => {
      const target = dbOf();
      const { db } = target;
      const key = { runId: `${name}/pages`, source: 'crm', stream: 'contacts' };
      const at = (minute: number) => new Date(`2026-01-01T00:0${minute}:00Z`);
      await stagePage(target, key, { seq: 1, records: [input({ id: 'a', v: 1 })], fetchedAt: at(0), checkpoint: checkpoint(1, 1) });
      await stagePages(target, key, [
        { seq: 2, records: [input({ id: 'b', v: 1 }), input({ id: 'a', v: 2 })], fetchedAt: at(1), checkpoint: checkpoint(2, 3), lazyCommit: true },
        { seq: 3, records: [input({ id: 'c', v: 1 }), input({ id: 'b', v: 2 })], fetchedAt: at(2), checkpoint: checkpoint(3, 5), lazyCommit: true },
      ]);
      const rows = await readAll(db, key);
      assert.deepEqual(rows.map((r) => [r.sourceKey, r.payload, r.fetchedAt.toISOString()]), [
        ['a', { id: 'a', v: 2 }, at(1).toISOString()],
        ['b', { id: 'b', v: 2 }, at(2).toISOString()],
        ['c', { id: 'c', v: 1 }, at(2).toISOString()],
      ]);
      const seqs = await db.selectFrom('tributary.staged_record').select(['source_key', 'page_seq']).where('stream_id', '=', stagedStreamId(key)).orderBy('id').execute();
      assert.deepEqual(seqs.map((r) => [r.source_key, r.page_seq]), [['a', 2], ['b', 3], ['c', 3]]);
      assert.equal(await checkpointPages(db, key), 3);
      // The checkpoint advances only from the page before the first: a zombie's group conflicts as a whole.
      const late = [{ seq: 3, records: [input({ id: 'z' })], fetchedAt: at(3), checkpoint: checkpoint(3, 6) }, { seq: 4, records: [], fetchedAt: at(3), checkpoint: checkpoint(4, 6) }];
      await assert.rejects(stagePages(target, key, late), CheckpointConflictError);
      await assert.rejects(stagePages(target, key, [late[1]!, { ...late[1]!, seq: 6 }]), /consecutive: page 6 follows page 4/);
      await assert.rejects(stagePages(target, key, []), /no page to stage/);
      assert.deepEqual((await readAll(db, key)).map((r) => r.sourceKey), ['a', 'b', 'c']);
      assert.equal(await checkpointPages(db, key), 3);
    });

    test('keeps keys and payloads byte for byte: COPY escapes, unicode, NUL escapes', async () => {
      const target = dbOf();
      const { db } = target;
      const key = { runId: `${name}/text`, source: 'crm', stream: 'contacts' };
      const record = { id: 'k', text: 'tab\there\nnew "quoted" back\\slash \\N \\\\ end', nul: 'a\u0000b', unicode: 'Grüße 東京 🙂', nested: { list: [1, 2.5, null, true] } };
      const keys = ['plain', 'with\ttab', 'with\nnewline\r', 'back\\slash', '\\N', 'ünïcode'];
      await stagePage(target, key, { seq: 1, records: keys.map((k) => input({ ...record, id: k }, k)), fetchedAt: new Date(), checkpoint: checkpoint(1, keys.length) });
      const rows = await readAll(db, key);
      assert.deepEqual(rows.map((r) => r.sourceKey), keys);
      for (const [i, row] of rows.entries()) assert.deepEqual(row.payload, { ...record, id: keys[i] });
      const stored = await sql<{ payload: string }>`select payload::text as payload from tributary.staged_record where stream_id = ${stagedStreamId(key)} and source_key = 'plain'`.execute(db);
      assert.equal(stored.rows[0]!.payload, JSON.stringify({ ...record, id: 'plain' }), 'stored as the JSON text the worker serialized');
    });

    test('a failing page rolls back its checkpoint advance and leaves the connection usable', async () => {
      const target = dbOf();
      const { db } = target;
      const key = { runId: `${name}/fail`, source: 'crm', stream: 'contacts' };
      // Text cannot hold U+0000: Postgres refuses the row (the fetch refuses such keys before staging).
      const broken = { sourceKey: 'b\u0000d', payloadJson: '{"id": "bad"}', hash: 'h' };
      await assert.rejects(stagePage(target, key, { seq: 1, records: [input({ id: 'ok' }), broken], fetchedAt: new Date(), checkpoint: checkpoint(1, 2) }), /0x00/);
      assert.equal(await checkpointPages(db, key), undefined);
      assert.deepEqual(await readAll(db, key), []);
      for (let i = 0; i < 3; i++) await assert.rejects(stagePage(target, key, { seq: 1, records: [broken], fetchedAt: new Date(), checkpoint: checkpoint(1, 1) }));
      await stagePage(target, key, { seq: 1, records: [input({ id: 'ok' })], fetchedAt: new Date(), checkpoint: checkpoint(1, 1) });
      assert.deepEqual((await readAll(db, key)).map((r) => r.sourceKey), ['ok']);
    });

    test('an empty page advances the checkpoint only', async () => {
      const target = dbOf();
      const { db } = target;
      const key = { runId: `${name}/empty`, source: 'crm', stream: 'contacts' };
      await stagePage(target, key, { seq: 1, records: [], fetchedAt: new Date(), checkpoint: checkpoint(1, 0, true) });
      assert.equal(await checkpointPages(db, key), 1);
      await assert.rejects(stagePage(target, key, { seq: 1, records: [], fetchedAt: new Date(), checkpoint: checkpoint(1, 0, true) }), CheckpointConflictError);
    });
  });
}

/** Runs `work` on a new database migrated up to `migration` (the later ones still to run), then drops it. */
async function atMigration(migration: string, work: (db: Kysely<Database>, migrator: Migrator) => Promise<void>): Promise<void> {
  const old = await createTestDatabase();
  const db = createDatabase(old.url);
  try {
    await sql`create schema if not exists tributary`.execute(db);
    const migrator = new Migrator({ db: db as Kysely<unknown>, provider: { getMigrations: async () => migrations }, migrationTableSchema: 'tributary', allowUnorderedMigrations: true });
    assert.equal((await migrator.migrateTo(migration)).error, undefined);
    await work(db, migrator);
  } finally {
    await db.destroy();
    await old.drop();
  }
}

test('migrations 0006 and 0009 keep payloads staged before them, as the JSON text they were', async () => {
  await atMigration('0005_alert_state', async (db) => {
    const payload = { id: 'a', name: 'Ada', tags: ['x'], nested: { n: 1 } };
    await sql`insert into tributary.staged_record (run_id, source, stream, page_seq, source_key, payload, hash, fetched_at)
      values ('r', 'crm', 'contacts', 1, 'a', ${JSON.stringify(payload)}::jsonb, 'h', now())`.execute(db);
    await migrateToLatest(db);
    const rows = await readAll(db, { runId: 'r', source: 'crm', stream: 'contacts' });
    assert.deepEqual(rows.map((r) => r.payload), [payload]);
    const type = await sql<{ t: string }>`select format_type(atttypid, atttypmod) as t from pg_attribute where attrelid = 'tributary.staged_record'::regclass and attname = 'payload'`.execute(db);
    assert.equal(type.rows[0]!.t, 'text');
  });
});

test('migration 0010 keys staged records by their stream fetch, keeps every record, and reverts', async () => {
  await atMigration('0009_staged_payload_text', async (db, migrator) => {
    // Run r's crm stream was fetched (it has a checkpoint); its billing stream and run s were staged by hand.
    await sql`insert into tributary.fetch_checkpoint (run_id, source, stream, pages, records, state, done, reported_total, pagination_type, updated_at)
      values ('r', 'crm', 'contacts', 2, 3, '{"cursor":"c2"}', false, 10, 'cursor', now())`.execute(db);
    await sql`insert into tributary.staged_record (run_id, source, stream, page_seq, source_key, payload, hash, fetched_at)
      values ('r', 'crm', 'contacts', 1, 'a', '{"id":"a"}', 'ha', now()), ('r', 'crm', 'contacts', 2, 'b', '{"id":"b"}', 'hb', now()),
             ('r', 'billing', 'customers', 3, 'a', '{"id":"a","n":1}', 'hc', now()), ('s', 'crm', 'contacts', 1, 'a', '{"id":"a","s":1}', 'hd', now())`.execute(db);
    await migrateToLatest(db);
    const keys = async (key: StreamRunKey) => (await readAll(db, key)).map((r) => [r.sourceKey, r.payload, r.hash]);
    assert.deepEqual(await keys({ runId: 'r', source: 'crm', stream: 'contacts' }), [['a', { id: 'a' }, 'ha'], ['b', { id: 'b' }, 'hb']]);
    assert.deepEqual(await keys({ runId: 'r', source: 'billing', stream: 'customers' }), [['a', { id: 'a', n: 1 }, 'hc']]);
    assert.deepEqual(await keys({ runId: 's', source: 'crm', stream: 'contacts' }), [['a', { id: 'a', s: 1 }, 'hd']]);
    const checkpoints = await db.selectFrom('tributary.fetch_checkpoint').select(['run_id', 'source', 'pages', 'records', 'done', 'state']).orderBy('run_id').orderBy('source').execute();
    assert.deepEqual(checkpoints, [
      { run_id: 'r', source: 'billing', pages: 3, records: 1, done: true, state: null },
      { run_id: 'r', source: 'crm', pages: 2, records: 3, done: false, state: { cursor: 'c2' } },
      { run_id: 's', source: 'crm', pages: 1, records: 1, done: true, state: null },
    ]);
    // A fetch resumes where its checkpoint stands, staging with the stream's new key.
    await stagePage(db, { runId: 'r', source: 'crm', stream: 'contacts' }, { seq: 3, records: [input({ id: 'c' })], fetchedAt: new Date(), checkpoint: checkpoint(3, 4) });
    assert.deepEqual((await readAll(db, { runId: 'r', source: 'crm', stream: 'contacts' })).map((r) => r.sourceKey), ['a', 'b', 'c']);
    assert.equal((await migrator.migrateTo('0009_staged_payload_text')).error, undefined);
    const reverted = await sql<{ run_id: string; source: string; source_key: string }>`select run_id, source, source_key from tributary.staged_record order by run_id, source, source_key`.execute(db);
    assert.deepEqual(reverted.rows.map((r) => `${r.run_id}.${r.source}.${r.source_key}`), ['r.billing.a', 'r.crm.a', 'r.crm.b', 'r.crm.c', 's.crm.a']);
  });
});

test('reading a stream analyzes a staging table that was never analyzed', async () => {
  const fresh = await createTestDatabase();
  const db = createDatabase(fresh.url);
  try {
    await migrateToLatest(db);
    const analyzed = async () => (await sql<{ n: number }>`select count(*)::int as n from pg_stats where schemaname = 'tributary' and tablename = 'staged_record'`.execute(db)).rows[0]!.n > 0;
    const key = { runId: 'fresh', source: 'crm', stream: 'contacts' };
    await stagePage(db, key, { seq: 1, records: [input({ id: 'a' }), input({ id: 'b' })], fetchedAt: new Date(), checkpoint: checkpoint(1, 2, true) });
    assert.equal(await analyzed(), false);
    assert.deepEqual((await readAll(db, key)).map((r) => r.sourceKey), ['a', 'b']);
    assert.equal(await analyzed(), true);
  } finally {
    await db.destroy();
    await fresh.drop();
  }
});
