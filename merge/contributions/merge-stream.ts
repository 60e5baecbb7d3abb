import { parseStreamKey } from '../../core/stream-key.js';
import { parseJsonExact } from '../../core/exact-json.js';
import { NUL_REASON } from '../../core/nul-character.js';
import { contentHash } from '../../core/stable-json.js';
import { type ContributionRow, insertContributions, markSeen, upsertContributions, withdrawContributions } from './contribution-store.js';
import { type IdentityInput, assignEntityKeys } from '../identity/identity.js';
import { compilePredicate } from '../map/predicate.js';
import { compileRecordMapper } from '../map/map-record.js';
import { mappingFingerprint } from '../../config/entities/mapping-fingerprint.js';
import { type StreamSeenCounts, countStaged, hasContributions, listRestaged, markStreamSeen } from './mark-stream-seen.js';
import { countLatestRecords, forgetLatestRecords } from '../../store/staging/latest-records.js';
import type { StreamRunKey } from '../../store/staging/staging-store.js';
import { compileMatchReader } from '../map/match-keys.js';
import { type EntityMergeSummary, type SummaryTally, countChanged, countQuarantined, startTally } from '../merge-summary.js';
import { PendingWrites } from './pending-writes.js';
import { type QuarantineRow, insertQuarantine, reasonCategory } from '../map/quarantine.js';
import { readStagedChanges, unchangedAtFetch } from './staged-changes.js';
import type { StreamMergeInput } from './stream-merge-input.js';

/** One stream of one run merged into one entity. */
export interface StreamMerge extends StreamMergeInput {
  /** Child entities of this entity (their children move and are withdrawn with their parents). */
  readonly children: readonly string[];
}

/** A record that mapped, waiting for its entity key. */
interface GoodRecord {
  readonly sourceKey: string;
  readonly values: Record<string, unknown>;
  readonly updatedAt: number | null;
  readonly fetchedAt: Date;
  readonly stagedHash: string;
  /** The content hash of the mapped values (`contentHash`), the contribution's change test. */
  readonly hash: string;
  readonly identity: IdentityInput;
}

/**
 * Merges a stream's staged records of a run into a top-level entity, a batch at a time: a
 * tombstone withdraws the record's earlier contribution (and its children); a record that
 * violates the schema goes to quarantine; the others get entity keys by their match values
 * (merging entities they link) and are stored as contributions. A deleted-records feed
 * (`deletes`) withdraws the named records of another stream.
 *
 * A record whose live contribution was mapped from the same payload under the same config is
 * not read at all: mapping it again would give the same values, the same match values and so the
 * same entity (redirects move contributions with their entities). It counts as read, and its
 * entity is marked seen by one set-based statement first; when every record is unchanged,
 * nothing else runs.
 */
export async function mergeStream(m: StreamMerge): Promise<EntityMergeSummary> {
  const { source, stream } = parseStreamKey(m.ref);
  const tally = startTally(m.name);
  if (m.mapping.deletes !== undefined) {
    // Recomputed from latest payloads, deletions are already applied: their records have none.
    if (!m.fromLatest) await mergeDeletesFeed(m, tally, source, stream);
    return tally;
  }
  const fingerprint = mappingFingerprint(m.entity, m.ref);
  const target = { entity: m.name, source, stream, runId: m.runId, fingerprint };
  const staged = { runId: m.stagedRunId, source, stream };
  const map = compileRecordMapper(m.entity, m.mapping);
  const matchPairs = compileMatchReader(m.entity, m.ref);
  const isTombstone = compilePredicate(m.mapping.deletedWhen);
  const isSkipped = compilePredicate(m.mapping.skipWhen);
  // Writes nothing reads back before the next batch's identity lookup are not waited for, so the
  // connection runs them (and the read ahead) while the next batch is mapped. Statements on the
  // transaction run in the order they were issued, so each identity lookup still sees every link
  // of the batches before it.
  const writes = new PendingWrites();
  let known: boolean;
  let read: { latest?: boolean; changedOnly?: boolean; ids?: { after: string; through: string } };
  if (m.slice) {
    // A slice's records are counted as read where they are first merged; a record staged again is not read twice.
    known = m.slice.kind === 'restaged';
    if (m.slice.kind === 'restaged' && (await listRestaged(m.trx, { ...staged, entity: m.name, fingerprint, through: m.slice.through })) === 0) return tally;
    read = m.slice.kind === 'new' ? { ids: m.slice.ids } : { changedOnly: true };
  } else {
    // A stream without contributions yet (a first load) has nothing unchanged to look for.
    known = !m.quarantineOnly && (await hasContributions(m.trx, { entity: m.name, source, stream }));
    const counts = await countStream(m, staged, { known, fingerprint });
    tally.recordsRead += counts.staged + counts.unchangedAtFetch;
    tally.recordsUnchanged += counts.unchanged + counts.unchangedAtFetch;
    if (counts.unchanged === counts.staged) return tally;
    // From latest payloads every record is read: a contribution whose values come out the same is not rewritten.
    read = m.fromLatest ? { latest: true } : { changedOnly: known };
  }
  try {
    for await (const batch of readStagedChanges(m.trx, { ...staged, ...read, batchSize: m.batchSize })) {
      if (m.slice?.kind === 'new') tally.recordsRead += batch.length;
      const good: GoodRecord[] = [];
      const bad: QuarantineRow[] = [];
      const tombstones: string[] = [];
      let seenAt = new Date(0);
      for (const record of batch) {
        const payload = parseJsonExact(record.payloadJson);
        // A skipped record withdraws what it contributed before, as a tombstone does, but is counted apart.
        const skip = isSkipped(payload);
        if (skip || isTombstone(payload)) {
          if (skip) tally.skipped += 1;
          tombstones.push(record.sourceKey);
          if (record.fetchedAt > seenAt) seenAt = record.fetchedAt;
          continue;
        }
        const mapped = map(payload);
        if (!mapped.ok) {
          bad.push({ source_key: record.sourceKey, reason: mapped.reason, reasons: mapped.problems.map(reasonCategory), payload });
          continue;
        }
        const identity = { pairs: matchPairs(payload, mapped.values), fallback: `${m.ref}:${record.sourceKey}` };
        // External-id match values come from the raw record, past the field coercion that refuses U+0000.
        const nul = identity.pairs.find(([, v]) => v.includes('\u0000'));
        if (nul !== undefined) {
          const reason = `${nul[0]}: ${NUL_REASON}`;
          bad.push({ source_key: record.sourceKey, reason, reasons: [reason], payload });
          continue;
        }
        // Hashed here, not once the keys are known: this runs while the connection still works
        // through the previous batch's writes; once the identity lookup has answered it has nothing queued.
        const hash = contentHash({ v: mapped.values, u: mapped.updatedAt });
        good.push({ sourceKey: record.sourceKey, values: mapped.values, updatedAt: mapped.updatedAt, fetchedAt: record.fetchedAt, stagedHash: record.hash, hash, identity });
      }
      for (const b of bad) countQuarantined(tally, b.reasons);
      if (bad.length > 0) writes.add(insertQuarantine(m.trx, { runId: m.runId, entity: m.name, source, stream }, bad));
      if (m.quarantineOnly) continue;
      if (tombstones.length > 0) writes.add(withdraw(m, tally, source, stream, tombstones, seenAt));
      const { keys, redirects } = await assignEntityKeys(m.trx, m.name, good.map((g) => g.identity), { runId: m.runId, now: m.now, children: m.children });
      tally.identityMerges += redirects.length;
      const rows: ContributionRow[] = good.map((g, i) => ({
        source_key: g.sourceKey,
        entity_key: keys[i]!,
        values: g.values,
        source_updated_at: g.updatedAt === null ? null : new Date(g.updatedAt).toISOString(),
        fetched_at: g.fetchedAt.toISOString(),
        hash: g.hash,
        staged_hash: g.stagedHash,
      }));
      // A stream's first merge into the entity only adds rows: no old row to probe, compare or move.
      const stored = known ? upsertContributions(m.trx, target, rows) : insertContributions(m.trx, target, rows, { markAffected: !m.everyKeyAffected });
      writes.add(stored.then((n) => countChanged(tally, m.ref, n)));
      // On a first load (every key affected) the contributions' fetch times are the sightings: no seen row.
      if (!m.everyKeyAffected) writes.add(markSeen(m.trx, m.name, m.runId, rows.map((r) => ({ entity_key: r.entity_key, at: r.fetched_at }))));
    }
  } catch (err) {
    // A failed write aborts the transaction, and every later statement fails for that: report the write's error.
    await writes.settle();
    throw err;
  }
  await writes.settle();
  return tally;
}

/**
 * A stream's records for the merge: how many were staged (or, from latest payloads, have one),
 * how many of those the last merge took in as they are (`markStreamSeen`, which lists the others
 * for the read), and how many the fetch found unchanged and did not stage.
 */
async function countStream(m: StreamMerge, staged: StreamRunKey, o: { known: boolean; fingerprint: string }): Promise<StreamSeenCounts & { unchangedAtFetch: number }> {
  if (m.fromLatest) return { staged: await countLatestRecords(m.trx, staged), unchanged: 0, unchangedAtFetch: 0 };
  const counts = o.known ? await markStreamSeen(m.trx, { ...staged, entity: m.name, fingerprint: o.fingerprint, mergeRunId: m.runId }) : { staged: await countStaged(m.trx, staged), unchanged: 0 };
  return { ...counts, unchangedAtFetch: await unchangedAtFetch(m.trx, staged) };
}

/** Each record of a deleted-records feed names, by its primary key, a record of the stream in `deletes`. */
async function mergeDeletesFeed(m: StreamMerge, tally: SummaryTally, feedSource: string, feedStream: string): Promise<void> {
  const { source, stream } = parseStreamKey(m.mapping.deletes!);
  for await (const batch of readStagedChanges(m.trx, { runId: m.stagedRunId, source: feedSource, stream: feedStream, batchSize: m.batchSize })) {
    tally.recordsRead += batch.length;
    const seenAt = new Date(Math.max(...batch.map((r) => r.fetchedAt.getTime())));
    if (m.quarantineOnly) continue;
    const keys = batch.map((r) => r.sourceKey);
    await withdraw(m, tally, source, stream, keys, seenAt);
    await forgetLatestRecords(m.trx, { source, stream }, keys);
  }
}

/** Withdraws records of a stream from the entity, and their children from every child entity, as of when the deletion was fetched. */
async function withdraw(m: StreamMerge, tally: SummaryTally, source: string, stream: string, sourceKeys: readonly string[], at: Date): Promise<void> {
  const withdrawn = withdrawContributions(m.trx, { entity: m.name, source, stream, runId: m.runId }, { sourceKeys }, at);
  // Issued together, so a caller that does not wait still has them queued before its next statement.
  const children = m.children.map((child) => withdrawContributions(m.trx, { entity: child, source, stream, runId: m.runId }, { parentSourceKeys: sourceKeys, keep: [] }, at));
  tally.withdrawn += (await Promise.all([withdrawn, ...children]))[0]!;
}
