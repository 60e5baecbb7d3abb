import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Kysely } from 'kysely';
import type { IncrementalConfig } from '../../config/sources/incremental-config.js';
import type { SourceConfig } from '../../config/sources/source-config.js';
import { ResponseFormatError } from '../../connectors/connector-error.js';
import type { StreamPage, StreamReader } from '../../connectors/stream-reader.js';
import { fetchPages } from '../../ingest/fetch-pages.js';
import { createDatabase } from '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { migrateToLatest } from '../../store/migrate.js';
import { CheckpointConflictError, readCheckpoint, readStagedRecords, stagePage } from '../../store/staging/staging-store.js';
import { type TestDatabase, createTestDatabase } from '../support/database.js';

let database: TestDatabase;
let db: Kysely<Database>;
before(async () => {
  database = await createTestDatabase();
  db = createDatabase(database.url);
  await migrateToLatest(db);
});
after(async () => {
  await db?.destroy();
  await database?.drop();
});

const source = { type: 'rest', streams: { contacts: { primaryKey: '$.id' } } } as unknown as SourceConfig;

/** A reader over `pages` pages of two records each, logging every request; page `failAt` fails. */
function fakeReader(pages: number, opts: { failAt?: number; onRead?: (page: number) => Promise<void> } = {}): StreamReader & { requested: number[] } {
  const requested: number[] = [];
  return {
    paginationType: 'cursor',
    requested,
    async readPage(state): Promise<StreamPage> {
      const n = state === null ? 1 : Number((state as { page: number }).page);
      requested.push(n);
      await opts.onRead?.(n);
      if (n === opts.failAt) throw new Error(`page ${n} failed`);
      return { records: [{ id: `r${n}a` }, { id: `r${n}b` }], next: n < pages ? { page: n + 1 } : null, url: `http://api/${n}` };
    },
  };
}

const staged = async (runId: string) => {
  const keys: string[] = [];
  for await (const batch of readStagedRecords(db, { runId, source: 'crm', stream: 'contacts' })) keys.push(...batch.map((r) => r.sourceKey));
  return keys;
};

test('chunks stage every page once, in order, and request no page beyond the chunk', async () => {
  const key = { runId: 'chunks', source: 'crm', stream: 'contacts' };
  const reader = fakeReader(5);
  const first = await fetchPages(db, key, source, reader, { maxPages: 2 });
  assert.deepEqual([first.pages, first.records, first.done], [2, 4, false]);
  assert.deepEqual(reader.requested, [1, 2], 'the next chunk requests page 3 itself');
  await fetchPages(db, key, source, reader, { maxPages: 2 });
  const last = await fetchPages(db, key, source, reader, { maxPages: 2 });
  assert.deepEqual([last.pages, last.records, last.done], [5, 10, true]);
  assert.deepEqual(reader.requested, [1, 2, 3, 4, 5]);
  assert.deepEqual(await staged(key.runId), ['r1a', 'r1b', 'r2a', 'r2b', 'r3a', 'r3b', 'r4a', 'r4b', 'r5a', 'r5b']);
});

test('a chunk stops paging once its time is up, after staging the page in hand, and the next chunk resumes after it', async () => {
  const key = { runId: 'time-up', source: 'crm', stream: 'contacts' };
  const reader = fakeReader(3);
  const first = await fetchPages(db, key, source, reader, { maxPages: 10, maxMs: 0 });
  assert.deepEqual([first.pages, first.records, first.done], [1, 2, false]);
  assert.deepEqual(reader.requested, [1], 'no page is requested past the time');
  assert.equal((await readCheckpoint(db, key))?.pages, 1);
  const rest = await fetchPages(db, key, source, reader, { maxPages: 10 });
  assert.deepEqual([rest.pages, rest.records, rest.done], [3, 6, true]);
  assert.deepEqual(reader.requested, [1, 2, 3]);
  assert.deepEqual(await staged(key.runId), ['r1a', 'r1b', 'r2a', 'r2b', 'r3a', 'r3b']);
});

test('pages are staged a group at a time, each group reported once it is staged', async () => {
  const reported = async (runId: string, group: { records: number; waitMs: number }) => {
    const key = { runId, source: 'crm', stream: 'contacts' };
    const pages: number[] = [];
    const checks: Promise<void>[] = [];
    const onPage = async (progress: { pages: number }) => {
      pages.push(progress.pages);
      assert.ok(((await readCheckpoint(db, key))?.pages ?? 0) >= progress.pages, 'reported only once staged');
    };
    const result = await fetchPages(db, key, source, fakeReader(5), { maxPages: 10, group, onPage: (p) => checks.push(onPage(p)) });
    await Promise.all(checks);
    assert.equal(result.pages, 5);
    assert.deepEqual(await staged(runId), ['r1a', 'r1b', 'r2a', 'r2b', 'r3a', 'r3b', 'r4a', 'r4b', 'r5a', 'r5b']);
    return pages;
  };
  assert.deepEqual(await reported('grouped', { records: 4, waitMs: 60_000 }), [2, 4, 5], 'two pages of two records make a group; the last page ends the chunk');
  assert.deepEqual(await reported('slow', { records: 1000, waitMs: 0 }), [1, 2, 3, 4, 5], 'a page that waited long enough is staged alone');
});

test('a parent stream stages its first page alone, at once, and groups the pages after it', async () => {
  const key = { runId: 'first-alone', source: 'crm', stream: 'contacts' };
  const reported: number[] = [];
  await fetchPages(db, key, source, fakeReader(5), { maxPages: 10, group: { records: 4, waitMs: 60_000 }, firstPageAlone: true, onPage: (p) => reported.push(p.pages) });
  assert.deepEqual(reported, [1, 3, 5], 'children start on the first page; later pages are grouped as before');
  assert.deepEqual(await staged(key.runId), ['r1a', 'r1b', 'r2a', 'r2b', 'r3a', 'r3b', 'r4a', 'r4b', 'r5a', 'r5b']);
});

test('a request failing while the page before is staged fails the chunk after that page is staged', async () => {
  const key = { runId: 'failing', source: 'crm', stream: 'contacts' };
  await assert.rejects(fetchPages(db, key, source, fakeReader(5, { failAt: 3 }), { maxPages: 10 }), /page 3 failed/);
  assert.equal((await readCheckpoint(db, key))?.pages, 2);
  const resumed = await fetchPages(db, key, source, fakeReader(5), { maxPages: 10 });
  assert.deepEqual([resumed.pages, resumed.records, resumed.done], [5, 10, true]);
  assert.deepEqual(await staged(key.runId), ['r1a', 'r1b', 'r2a', 'r2b', 'r3a', 'r3b', 'r4a', 'r4b', 'r5a', 'r5b']);
});

test('a zombie chunk stops with CheckpointConflictError and drops the page it was prefetching', async () => {
  const key = { runId: 'zombie', source: 'crm', stream: 'contacts' };
  // Another attempt stages page 2 while this one is between its requests.
  const reader = fakeReader(5, {
    onRead: async (n) => {
      if (n !== 2) return;
      const checkpoint = { pages: 2, records: 3, state: { page: 3 }, done: false, reportedTotal: null, paginationType: 'cursor' };
      await stagePage(db, key, { seq: 2, records: [{ sourceKey: 'other', payloadJson: '{"id":"other"}', hash: 'h' }], fetchedAt: new Date(), checkpoint }).catch(() => {});
    },
  });
  await stagePage(db, key, { seq: 1, records: [], fetchedAt: new Date(), checkpoint: { pages: 1, records: 0, state: { page: 2 }, done: false, reportedTotal: null, paginationType: 'cursor' } });
  await assert.rejects(fetchPages(db, key, source, reader, { maxPages: 10 }), CheckpointConflictError);
  assert.equal((await readCheckpoint(db, key))?.pages, 2);
  assert.deepEqual(await staged(key.runId), ['other']);
});

test('a record whose primary key holds U+0000 fails the chunk with a clear, non-retryable error after the pages before it', async () => {
  const key = { runId: 'nul-key', source: 'crm', stream: 'contacts' };
  const reader: StreamReader = {
    paginationType: 'cursor',
    async readPage(state): Promise<StreamPage> {
      const n = state === null ? 1 : Number((state as { page: number }).page);
      return { records: n === 1 ? [{ id: 'ok' }] : [{ id: 'fine' }, { id: 'a\u0000b' }], next: { page: n + 1 }, url: `http://api/${n}` };
    },
  };
  await assert.rejects(
    fetchPages(db, key, source, reader, { maxPages: 10 }),
    (err: unknown) => err instanceof ResponseFormatError && !err.retryable && /record 1 of page 2: the primary key at \$\.id contains a NUL character/.test(err.message),
  );
  assert.equal((await readCheckpoint(db, key))?.pages, 1);
  assert.deepEqual(await staged(key.runId), ['ok']);
});

test('a U+0000 in an incremental cursor value or in the next-page cursor fails the chunk clearly, before that page is staged', async () => {
  const pages = (records: (n: number) => unknown[], next: (n: number) => StreamPage['next']): StreamReader => ({
    paginationType: 'cursor',
    async readPage(state): Promise<StreamPage> {
      const n = state === null ? 1 : Number((state as { page: number }).page);
      return { records: records(n), next: next(n), url: `http://api/${n}` };
    },
  });
  const incremental = { cursorField: '$.updated', cursorType: 'string' } as unknown as IncrementalConfig;
  const cursorKey = { runId: 'nul-cursor', source: 'crm', stream: 'contacts' };
  const withNulCursor = pages((n) => [{ id: `r${n}`, updated: n === 1 ? 'a' : 'b\u0000' }], (n) => ({ page: n + 1 }));
  await assert.rejects(
    fetchPages(db, cursorKey, source, withNulCursor, { maxPages: 10, incremental }),
    (err: unknown) => err instanceof ResponseFormatError && !err.retryable && /record 0 of page 2: the incremental cursor at \$\.updated contains a NUL character/.test(err.message),
  );
  assert.equal((await readCheckpoint(db, cursorKey))?.pages, 1);
  assert.deepEqual(await staged(cursorKey.runId), ['r1']);

  const nextKey = { runId: 'nul-next', source: 'crm', stream: 'contacts' };
  const withNulNext = pages((n) => [{ id: `r${n}` }], (n): StreamPage['next'] => (n === 1 ? { page: 2 } : { page: 3, token: 'x\u0000' }));
  await assert.rejects(
    fetchPages(db, nextKey, source, withNulNext, { maxPages: 10 }),
    (err: unknown) => err instanceof ResponseFormatError && !err.retryable && /the next-page cursor of page 2 contains a NUL character/.test(err.message),
  );
  assert.equal((await readCheckpoint(db, nextKey))?.pages, 1);
  assert.deepEqual(await staged(nextKey.runId), ['r1']);
});
