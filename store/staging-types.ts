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
}
