import { type Kysely, sql } from 'kysely';
import { parseConfig } from '../../config/load-config.js';
import type { TributaryConfig } from '../../config/tributary-config.js';
import { contentHash } from '../../core/stable-json.js';
import { parseStreamKey } from '../../core/stream-key.js';
import { type EntityMergeSummary, mergeRun } from '../../merge/merge-run.js';
import { createDatabase } from '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { migrateToLatest } from '../../store/migrate.js';
import { createTestDatabase } from '../support/database.js';
import { ensureStagedStream } from '../support/staged-stream.js';

/** A fresh migrated database for one merge test file, with helpers to stage records and merge them. */
export interface MergeFixture {
  readonly db: Kysely<Database>;
  /** Stages records of `source.stream` for `runId` (primary key `id`), fetched at `fetchedAt`. */
  stage(runId: string, ref: string, records: readonly Record<string, unknown>[], fetchedAt?: Date): Promise<void>;
  /** Merges run `runId` with `config`, every stream the config maps counting as fetched (`batchSize`: records per batch). */
  merge(config: TributaryConfig, runId: string, opts?: { batchSize?: number }): Promise<EntityMergeSummary[]>;
  /** Rows of `unified.<table>` ordered by key. */
  rows(table: string): Promise<Record<string, unknown>[]>;
  /** From a clean slate (`reset`), stages `records` per `source.stream` for `runId` and merges them with `config`. */
  mergeFresh(config: TributaryConfig, runId: string, records: Record<string, readonly Record<string, unknown>[]>): Promise<EntityMergeSummary[]>;
  /** Forgets everything staged and merged: entity tables, staged records, contributions, links, redirects, seen marks, quarantine. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Creates the fixture; call `close()` in `after`. */
export async function createMergeFixture(): Promise<MergeFixture> {
  const database = await createTestDatabase();
  const db = createDatabase(database.url);
  await migrateToLatest(db);
  const fixture: MergeFixture = {
    db,
    async stage(runId, ref, records, fetchedAt = new Date('2026-01-01T00:00:00Z')) {
      const { source, stream } = parseStreamKey(ref);
      if (records.length === 0) return;
      const streamId = await ensureStagedStream(db, { runId, source, stream }, records.length);
      await db
        .insertInto('tributary.staged_record')
        .values(records.map((r) => ({ stream_id: streamId, page_seq: 1, source_key: String(r.id), payload: JSON.stringify(r), hash: contentHash(r), fetched_at: fetchedAt })))
        .execute();
    },
    async merge(config, runId, opts = {}) {
      // Every stream the config maps counts as fetched (a stream may have staged nothing).
      const refs = new Set(Object.values(config.entities).flatMap((e) => Object.keys(e.sources)));
      const streams = [...refs].map(parseStreamKey);
      return mergeRun(db, config, { runId, streams, batchSize: opts.batchSize });
    },
    async mergeFresh(config, runId, records) {
      await fixture.reset();
      for (const [ref, rs] of Object.entries(records)) await fixture.stage(runId, ref, rs);
      return fixture.merge(config, runId);
    },
    async reset() {
      await sql`drop schema if exists unified cascade`.execute(db);
      await sql`truncate tributary.staged_record, tributary.fetch_checkpoint, tributary.source_record, tributary.identity_link, tributary.entity_redirect, tributary.entity_seen, tributary.quarantine, tributary.merge_step, tributary.merge_affected_key`.execute(db);
    },
    async rows(table) {
      return (await sql<Record<string, unknown>>`select * from ${sql.id('unified', table)} order by _key`.execute(db)).rows;
    },
    async close() {
      await db.destroy();
      await database.drop();
    },
  };
  return fixture;
}

/** A config with REST sources `crm`, `billing`, `support` (streams as named in `entities`) and the given entities. */
export function mergeConfig(entities: Record<string, unknown>, extra: Record<string, unknown> = {}): TributaryConfig {
  const streams: Record<string, Set<string>> = { crm: new Set(), billing: new Set(), support: new Set() };
  for (const e of Object.values(entities) as Array<{ sources?: Record<string, unknown> }>) {
    for (const ref of Object.keys(e.sources ?? {})) {
      const { source, stream } = parseStreamKey(ref);
      (streams[source] ??= new Set()).add(stream);
    }
  }
  const sources = Object.fromEntries(
    Object.entries(streams).map(([name, ss]) => [
      name,
      { type: 'rest', baseUrl: 'http://127.0.0.1:1', streams: Object.fromEntries([...(ss.size ? ss : new Set(['x']))].map((st) => [st, { path: `/${st}`, primaryKey: 'id' }])) },
    ]),
  );
  return parseConfig({ version: 1, sources, entities, pipelines: {}, ...extra }, 'test', {});
}
