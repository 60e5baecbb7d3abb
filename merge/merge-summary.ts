/** What a merge did to one entity (part of the run summary). */
export interface EntityMergeSummary {
  readonly entity: string;
  /** Staged records read. */
  recordsRead: number;
  /** Staged records already merged as they are (same payload, same mapping): skipped, their entities only marked seen. */
  recordsUnchanged: number;
  /** Contributions new or changed since the last merge. */
  contributionsChanged: number;
  /** `contributionsChanged` per `source.stream` (the explorer charts it per source). */
  changedByStream: Record<string, number>;
  /** Contributions withdrawn: tombstones, deleted-records feeds, children no longer listed. */
  withdrawn: number;
  /** Records (or child elements) left out by the mapping's `skipWhen`. */
  skipped: number;
  /** Records that violated the schema and went to quarantine. */
  quarantined: number;
  /** Quarantined records per reason category (`field: problem`); a record counts once per category. */
  quarantineReasons: Record<string, number>;
  /** Entities merged into another because a record linked them. */
  identityMerges: number;
  /** Entity rows inserted or changed. */
  written: number;
  /** Entity rows re-merged with no change. */
  unchanged: number;
  /** Entity rows soft-deleted. */
  deleted: number;
}

/** A summary with every count at zero. */
export function emptySummary(entity: string): EntityMergeSummary {
  return { entity, recordsRead: 0, recordsUnchanged: 0, contributionsChanged: 0, changedByStream: {}, withdrawn: 0, skipped: 0, quarantined: 0, quarantineReasons: {}, identityMerges: 0, written: 0, unchanged: 0, deleted: 0 };
}

/** Adds a quarantined record's categories to the summary. */
export function countQuarantined(summary: EntityMergeSummary, reasons: readonly string[]): void {
  summary.quarantined += 1;
  for (const r of new Set(reasons)) summary.quarantineReasons[r] = (summary.quarantineReasons[r] ?? 0) + 1;
}

/** Counts `n` new or changed contributions of `stream` (`source.stream`). */
export function countChanged(summary: EntityMergeSummary, stream: string, n: number): void {
  summary.contributionsChanged += n;
  if (n > 0) summary.changedByStream[stream] = (summary.changedByStream[stream] ?? 0) + n;
}
