/** What a merge did to one entity (part of the run summary). Each step of a merge returns one; `addSummaries` adds them up. */
export interface EntityMergeSummary {
  readonly entity: string;
  /** Staged records read. */
  readonly recordsRead: number;
  /** Staged records already merged as they are (same payload, same mapping): skipped, their entities only marked seen. */
  readonly recordsUnchanged: number;
  /** Contributions new or changed since the last merge. */
  readonly contributionsChanged: number;
  /** `contributionsChanged` per `source.stream` (the explorer charts it per source). */
  readonly changedByStream: Readonly<Record<string, number>>;
  /** Contributions withdrawn: tombstones, deleted-records feeds, children no longer listed. */
  readonly withdrawn: number;
  /** Records (or child elements) left out by the mapping's `skipWhen`. */
  readonly skipped: number;
  /** Records that violated the schema and went to quarantine. */
  readonly quarantined: number;
  /** Quarantined records per reason category (`field: problem`); a record counts once per category. */
  readonly quarantineReasons: Readonly<Record<string, number>>;
  /** Entities merged into another because a record linked them. */
  readonly identityMerges: number;
  /** Entity rows inserted or changed. */
  readonly written: number;
  /** Entity rows re-merged with no change. */
  readonly unchanged: number;
  /** Entity rows soft-deleted. */
  readonly deleted: number;
}

/** The counts a step is still adding to: a summary open for counting inside the one function that builds it. */
export type SummaryTally = { -readonly [K in keyof EntityMergeSummary]: EntityMergeSummary[K] } & {
  changedByStream: Record<string, number>;
  quarantineReasons: Record<string, number>;
};

/** A summary with every count at zero. */
export function emptySummary(entity: string): EntityMergeSummary {
  return startTally(entity);
}

/** A tally with every count at zero, for one step to count into and return. */
export function startTally(entity: string): SummaryTally {
  return { entity, recordsRead: 0, recordsUnchanged: 0, contributionsChanged: 0, changedByStream: {}, withdrawn: 0, skipped: 0, quarantined: 0, quarantineReasons: {}, identityMerges: 0, written: 0, unchanged: 0, deleted: 0 };
}

/** Adds a quarantined record's categories to the tally. */
export function countQuarantined(tally: SummaryTally, reasons: readonly string[]): void {
  tally.quarantined += 1;
  for (const r of new Set(reasons)) tally.quarantineReasons[r] = (tally.quarantineReasons[r] ?? 0) + 1;
}

/** Counts `n` new or changed contributions of `stream` (`source.stream`). */
export function countChanged(tally: SummaryTally, stream: string, n: number): void {
  tally.contributionsChanged += n;
  if (n > 0) tally.changedByStream[stream] = (tally.changedByStream[stream] ?? 0) + n;
}

const COUNTS = ['recordsRead', 'recordsUnchanged', 'contributionsChanged', 'withdrawn', 'skipped', 'quarantined', 'identityMerges', 'written', 'unchanged', 'deleted'] as const;

/** Two summaries of one entity added up, count by count (a new value; neither input changes). */
export function addSummaries(a: EntityMergeSummary, b: Partial<Omit<EntityMergeSummary, 'entity'>>): EntityMergeSummary {
  const sum = startTally(a.entity);
  for (const k of COUNTS) sum[k] = a[k] + (b[k] ?? 0);
  sum.changedByStream = addRecords(a.changedByStream, b.changedByStream);
  sum.quarantineReasons = addRecords(a.quarantineReasons, b.quarantineReasons);
  return sum;
}

function addRecords(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>> | undefined): Record<string, number> {
  const out = { ...a };
  for (const [k, n] of Object.entries(b ?? {})) out[k] = (out[k] ?? 0) + n;
  return out;
}
