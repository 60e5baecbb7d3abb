/** Identifies one stream's fetch within a run. */
export interface StreamRunKey {
  readonly runId: string;
  readonly source: string;
  readonly stream: string;
}

/** A record ready to stage. */
export interface StagedRecordInput {
  readonly sourceKey: string;
  /** The raw record as JSON text (serialized once, hashed and stored as is). */
  readonly payloadJson: string;
  readonly hash: string;
}

/** Where a stream's fetch stands. */
export interface FetchCheckpoint {
  readonly pages: number;
  readonly records: number;
  readonly state: Record<string, unknown> | null;
  readonly done: boolean;
  readonly reportedTotal: number | null;
  readonly paginationType: string;
  /** Why the fetch is short of what the upstream has, once known (a `has_more` paging could not follow, a total not reached). */
  readonly incomplete?: string | null;
  /** Records received again under a key already staged in the run; null until the fetch is done and counted. */
  readonly duplicates?: number | null;
  /** Records received unchanged since the last merge: counted, not staged (see `ChangeFilter`). */
  readonly unchanged?: number;
}

/** Which version of a record received twice in one stream and run is kept. */
export type DuplicateKeep = 'last' | 'first';
