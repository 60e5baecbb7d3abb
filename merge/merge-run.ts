import { type Kysely, sql } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import { contentHash } from '../core/stable-json.js';
import type { Database } from '../store/database-schema.js';
import { readStagedRecords } from '../store/staging-store.js';
import { type ContributionRow, upsertContributions } from './contribution-store.js';
import { ensureEntityTable } from './entity-table.js';
import { writeAffectedEntities } from './entity-writer.js';
import { type MatchPairs, assignEntityKeys, normalizeMatchValue } from './identity.js';
import { compileRecordMapper } from './map-record.js';

/** What to merge: the staged streams of one run. */
export interface MergeRunInput {
  readonly runId: string;
  readonly streams: ReadonlyArray<{ readonly source: string; readonly stream: string }>;
  /** The run whose staged records to read, when not `runId` (a rerun re-merges a past run's records). */
  readonly stagedRunId?: string;
}

/** What a merge did to one entity. */
export interface EntityMergeSummary {
  readonly entity: string;
  /** Staged records read. */
  recordsRead: number;
  /** Contributions new or changed since the last merge. */
  contributionsChanged: number;
  /** Records that violated the schema and went to quarantine. */
  quarantined: number;
  /** Entity rows inserted or changed. */
  written: number;
  /** Entity rows re-merged with no change. */
  unchanged: number;
  /** Entity rows soft-deleted. */
  deleted: number;
}

/**
 * Merges a run's staged records into the entity tables, in one transaction: map each record,
 * quarantine the ones that violate the schema, assign entity keys by match values, store the
 * contributions, then re-merge and upsert only the entities whose contributions changed.
 * A failure leaves nothing half-applied; running it again changes nothing.
 */
export async function mergeRun(db: Kysely<Database>, config: TributaryConfig, input: MergeRunInput): Promise<EntityMergeSummary[]> {
  const staged = new Set(input.streams.map((s) => `${s.source}.${s.stream}`));
  const entities = Object.entries(config.entities).filter(([, e]) => Object.keys(e.sources).some((ref) => staged.has(ref)));
  // DDL runs before the data transaction so a concurrent reader never waits on a table lock for long.
  for (const [name, entity] of entities) await ensureEntityTable(db, name, entity);

  return db.transaction().execute(async (trx) => {
    const summaries: EntityMergeSummary[] = [];
    const now = new Date();
    for (const [name, entity] of entities.sort(([a], [b]) => (a < b ? -1 : 1))) {
      // One merge of an entity at a time, whichever pipeline runs it.
      await sql`select pg_advisory_xact_lock(hashtext(${`tributary.merge.${name}`}))`.execute(trx);
      await sql`create temp table if not exists merge_affected (entity_key text primary key) on commit drop`.execute(trx);
      await sql`truncate merge_affected`.execute(trx);
      const summary: EntityMergeSummary = { entity: name, recordsRead: 0, contributionsChanged: 0, quarantined: 0, written: 0, unchanged: 0, deleted: 0 };
      for (const [ref, mapping] of Object.entries(entity.sources)) {
        if (!staged.has(ref)) continue;
        const [source, stream] = ref.split('.') as [string, string];
        const mapper = compileRecordMapper(entity, mapping);
        for await (const batch of readStagedRecords(trx, { runId: input.stagedRunId ?? input.runId, source, stream })) {
          summary.recordsRead += batch.length;
          const good: Array<{ sourceKey: string; values: Record<string, unknown>; updatedAt: number | null; fetchedAt: Date; pairs: MatchPairs }> = [];
          const bad: Array<{ source_key: string; reason: string; payload: unknown }> = [];
          for (const record of batch) {
            const mapped = mapper(record.payload);
            if (!mapped.ok) {
              bad.push({ source_key: record.sourceKey, reason: mapped.reason, payload: record.payload });
              continue;
            }
            const pairs = entity.matchOn.flatMap((f) => {
              const v = normalizeMatchValue(mapped.values[f]);
              return v === null ? [] : [[f, v] as const];
            });
            good.push({ sourceKey: record.sourceKey, values: mapped.values, updatedAt: mapped.updatedAt, fetchedAt: record.fetchedAt, pairs });
          }
          if (bad.length > 0) {
            summary.quarantined += bad.length;
            await sql`insert into tributary.quarantine (run_id, entity, source, stream, source_key, reason, payload)
              select ${input.runId}, ${name}, ${source}, ${stream}, q.source_key, q.reason, q.payload
              from jsonb_to_recordset(${JSON.stringify(bad)}::jsonb) as q(source_key text, reason text, payload jsonb)`.execute(trx);
          }
          const keys = await assignEntityKeys(trx, name, good.map((g) => ({ pairs: g.pairs, fallback: `${ref}:${g.sourceKey}` })));
          const rows: ContributionRow[] = good.map((g, i) => ({
            source_key: g.sourceKey,
            entity_key: keys[i]!,
            values: g.values,
            source_updated_at: g.updatedAt === null ? null : new Date(g.updatedAt).toISOString(),
            fetched_at: g.fetchedAt.toISOString(),
            hash: contentHash({ v: g.values, u: g.updatedAt }),
          }));
          summary.contributionsChanged += await upsertContributions(trx, { entity: name, source, stream, runId: input.runId }, rows);
        }
      }
      const counts = await writeAffectedEntities(trx, name, entity, { runId: input.runId, now });
      Object.assign(summary, counts);
      summaries.push(summary);
    }
    return summaries;
  });
}
