import { parseStreamKey } from '../../core/stream-key.js';
import { parseJsonExact } from '../../core/exact-json.js';
import { sql } from 'kysely';
import { compileJsonPath } from '../../core/json-path.js';
import { contentHash } from '../../core/stable-json.js';
import { type ContributionRow, markSeen, upsertContributions, withdrawContributions } from './contribution-store.js';
import { normalizeMatchValue } from '../identity/identity.js';
import { compileRecordMapper } from '../map/map-record.js';
import { compilePredicate } from '../map/predicate.js';
import { type EntityMergeSummary, countChanged, countQuarantined, startTally } from '../merge-summary.js';
import { type QuarantineRow, insertQuarantine, reasonCategory } from '../map/quarantine.js';
import { readStagedChanges, unchangedAtFetch } from './staged-changes.js';
import type { StreamMergeInput } from './stream-merge-input.js';

/** One stream of one run merged into a child entity. */
export type ChildStreamMerge = StreamMergeInput;

/** The key of a child: its parent's key, `:`, and its child-key values (normalized, joined by `|`). */
export function childEntityKey(parentKey: string, childKey: string): string {
  return `${parentKey}:${childKey}`;
}

/**
 * Merges a stream's staged records of a run into a child entity (e.g. a customer's addresses).
 * The parent must have merged the same records first: each record's parent key is the entity
 * key its parent contribution got. Every element under `each` is a child, keyed by parent key +
 * `childKey` values, so the same child from several sources merges field by field. A record's
 * children are replaced as a set: children it no longer lists are withdrawn, and all of them
 * when the parent record was withdrawn. Elements that violate the schema, and records whose
 * parent was quarantined, go to quarantine.
 */
export async function mergeChildStream(m: ChildStreamMerge): Promise<EntityMergeSummary> {
  const tally = startTally(m.name);
  const { source, stream } = parseStreamKey(m.ref);
  const target = { entity: m.name, source, stream, runId: m.runId };
  const parent = m.entity.parent!;
  const each = compileJsonPath(m.mapping.each ?? '$');
  const map = compileRecordMapper(m.entity, m.mapping);
  const childKey = m.entity.childKey ?? [];
  // For children, deletedWhen and skipWhen test each element: a matching element is not listed.
  const deleted = compilePredicate(m.mapping.deletedWhen);
  const skipped = compilePredicate(m.mapping.skipWhen);
  // Every record is read, unchanged or not: a record with no valid child, or with some children
  // quarantined, leaves no contribution that could say it was already merged. The next batch is
  // read while this one is mapped.
  // Records the fetch found unchanged were not staged: their children were merged from the same payload.
  const unchanged = await unchangedAtFetch(m.trx, { runId: m.stagedRunId, source, stream, fromLatest: m.fromLatest });
  tally.recordsRead += unchanged;
  tally.recordsUnchanged += unchanged;
  for await (const batch of readStagedChanges(m.trx, { runId: m.stagedRunId, source, stream, batchSize: m.batchSize, ...(m.fromLatest ? { latest: true } : {}) })) {
    tally.recordsRead += batch.length;
    const parents = new Map(
      (
        await sql<{ source_key: string; entity_key: string; deleted: boolean }>`
          select source_key, entity_key, deleted_at is not null as deleted from tributary.source_record
          where entity = ${parent} and source = ${source} and stream = ${stream} and source_key = any(${batch.map((r) => r.sourceKey)}::text[])`.execute(m.trx)
      ).rows.map((r) => [r.source_key, r]),
    );
    const rows: ContributionRow[] = [];
    const bad: QuarantineRow[] = [];
    const replaced: string[] = [];
    for (const record of batch) {
      const payload = parseJsonExact(record.payloadJson);
      const p = parents.get(record.sourceKey);
      if (!p) {
        bad.push({ source_key: record.sourceKey, reason: `parent: the ${parent} record was not merged (see its quarantine)`, reasons: ['parent: not merged'], payload });
        continue;
      }
      replaced.push(record.sourceKey);
      if (p.deleted) continue;
      const seen = new Set<string>();
      for (const element of each.all(payload).flatMap((e) => (Array.isArray(e) ? e : [e]))) {
        if (deleted(element)) continue;
        if (skipped(element)) {
          tally.skipped += 1;
          continue;
        }
        const mapped = map(element, payload);
        if (!mapped.ok) {
          bad.push({ source_key: record.sourceKey, reason: mapped.reason, reasons: mapped.problems.map(reasonCategory), payload: element as object });
          continue;
        }
        const parts = childKey.map((f) => normalizeMatchValue(mapped.values[f]));
        if (parts.some((x) => x === null)) {
          bad.push({ source_key: record.sourceKey, reason: `childKey: ${childKey.join(', ')} must all have values`, reasons: ['childKey: missing'], payload: element as object });
          continue;
        }
        const key = parts.join('|');
        // The first element with a child key wins; a repeat within one record is not a second child.
        if (seen.has(key)) continue;
        seen.add(key);
        rows.push({
          source_key: `${record.sourceKey}#${key}`,
          entity_key: childEntityKey(p.entity_key, key),
          values: mapped.values,
          source_updated_at: mapped.updatedAt === null ? null : new Date(mapped.updatedAt).toISOString(),
          fetched_at: record.fetchedAt.toISOString(),
          hash: contentHash({ v: mapped.values, u: mapped.updatedAt }),
          parent_key: p.entity_key,
          parent_source_key: record.sourceKey,
        });
      }
    }
    // Quarantine is keyed per record: a record with several bad elements keeps one row listing them all.
    const merged = new Map<string, QuarantineRow>();
    for (const b of bad) {
      const prev = merged.get(b.source_key);
      merged.set(b.source_key, prev ? { ...prev, reason: `${prev.reason}; ${b.reason}`, reasons: [...prev.reasons, ...b.reasons] } : b);
    }
    for (const b of merged.values()) countQuarantined(tally, b.reasons);
    await insertQuarantine(m.trx, { runId: m.runId, entity: m.name, source, stream }, [...merged.values()]);
    if (m.quarantineOnly) continue;
    countChanged(tally, m.ref, await upsertContributions(m.trx, target, rows));
    const at = new Date(Math.max(...batch.map((r) => r.fetchedAt.getTime())));
    tally.withdrawn += await withdrawContributions(m.trx, target, { parentSourceKeys: replaced, keep: rows.map((r) => r.source_key) }, at);
    // On a first load (every key affected) the contributions' fetch times are the sightings: no seen row.
    if (!m.everyKeyAffected) await markSeen(m.trx, m.name, m.runId, rows.map((r) => ({ entity_key: r.entity_key, at: r.fetched_at })));
  }
  return tally;
}
