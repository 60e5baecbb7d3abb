import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** Timestamps are written as Date or ISO string and read as Date. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;

/** One pipeline run and its summary (`tributary.run`). */
export interface RunTable {
  run_id: string;
  pipeline: string;
  status: 'running' | 'succeeded' | 'failed' | 'degraded';
  window_end: Timestamp;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  summary: JSONColumnType<Record<string, unknown>, string, string> | null;
  error: string | null;
  /** Start of the data window (exclusive); null for runs recorded before windows had a start. */
  window_start: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** How the run started: `scheduled`, `manual`, `backfill` or `rerun`. */
  trigger: ColumnType<string | null, string | null | undefined, string | null>;
  /** For a rerun: the run whose staged records it merged again. */
  rerun_of: ColumnType<string | null, string | null | undefined, string | null>;
}

/** A raw record as fetched, kept per run (`tributary.staged_record`). */
export interface StagedRecordTable {
  id: Generated<string>;
  /** The stream fetch that staged it: `fetch_checkpoint.stream_id`. */
  stream_id: number;
  page_seq: number;
  source_key: string;
  /** The record as JSON text, as the worker serialized it (`JSON.stringify`); readers parse it. */
  payload: string;
  hash: string;
  fetched_at: Timestamp;
}

/** Where a stream's fetch stands in a run (`tributary.fetch_checkpoint`), written with each staged page. */
export interface FetchCheckpointTable {
  run_id: string;
  source: string;
  stream: string;
  /** Identifies this stream fetch of the run in `staged_record`, in place of run id, source and stream. */
  stream_id: Generated<number>;
  pages: number;
  records: number;
  state: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
  done: boolean;
  reported_total: number | null;
  pagination_type: string;
  updated_at: Timestamp;
  /** Why the fetch, once done, is short of what the upstream has; null when complete. */
  incomplete: string | null;
  /** Records received again under a primary key already staged in the run; null until the fetch is done. */
  duplicates: number | null;
  /** Records the fetch received unchanged since the last merge (same payload, same mappings): counted, not staged. */
  unchanged: Generated<number>;
}

/** A source record's current mapped contribution to an entity (`tributary.source_record`). */
export interface SourceRecordTable {
  entity: string;
  source: string;
  stream: string;
  source_key: string;
  entity_key: string;
  values: JSONColumnType<Record<string, unknown>, string, string>;
  source_updated_at: Timestamp | null;
  fetched_at: Timestamp;
  run_id: string;
  hash: string;
  first_seen: Timestamp;
  /** Set when the source withdrew the record (tombstone or deleted-records feed); its values no longer count. */
  deleted_at: Timestamp | null;
  /** The run that saw the withdrawal. */
  deleted_run_id: string | null;
  /** For a child entity: the parent entity's key. */
  parent_key: string | null;
  /** For a child entity: the source record (of the same stream) the child was read from. */
  parent_source_key: string | null;
  /**
   * The staged payload hash this contribution was mapped from, combined with the mapping's config
   * fingerprint (`config/entities/mapping-fingerprint.ts`); null where unknown (children, older rows).
   */
  raw_hash: ColumnType<string | null, string | null | undefined, string | null>;
}

/** An entity merged into another because one record linked both (`tributary.entity_redirect`). */
export interface EntityRedirectTable {
  entity: string;
  /** The absorbed entity's key (its row is soft-deleted with `_merged_into`). */
  from_key: string;
  /** The surviving key (the smaller one). */
  to_key: string;
  run_id: string;
  merged_at: Timestamp;
}

/**
 * Sightings of an entity upstream that no contribution records (`tributary.entity_seen`): a record
 * fetched again unchanged leaves its contribution's `fetched_at` as it was. Apart from the entity
 * row so reruns rewrite nothing. Exact to within an hour: a sighting is written only when it is at
 * least an hour after what is known (`store/entity-seen.ts` `SEEN_PRECISION`). When an entity was
 * last seen is `tributary.entity_last_seen`.
 */
export interface EntitySeenTable {
  entity: string;
  entity_key: string;
  last_seen: Timestamp;
  last_run_id: string;
}

/**
 * When each entity was last seen upstream (the view `tributary.entity_last_seen`): the later of
 * its `entity_seen` row and its contributions' fetch times, with the run that saw it.
 */
export interface EntityLastSeenView {
  entity: string;
  entity_key: string;
  last_seen: Date;
  last_run_id: string;
}

/** A normalized match-key value linked to an entity key (`tributary.identity_link`). */
export interface IdentityLinkTable {
  entity: string;
  match_field: string;
  match_value: string;
  entity_key: string;
}

/** A record that could not be merged, with the reason (`tributary.quarantine`). */
export interface QuarantineTable {
  id: Generated<string>;
  run_id: string;
  entity: string;
  source: string;
  stream: string;
  source_key: string | null;
  reason: string;
  /** Reason categories (`field: problem`), for counting. */
  reasons: ColumnType<string[], string[] | undefined, string[]>;
  payload: JSONColumnType<object, string, string>;
  created_at: Generated<Date>;
}

/** The current OAuth2 refresh token of a source, rotated under a row lock (`tributary.oauth_token`). */
export interface OAuthTokenTable {
  source: string;
  refresh_token: string;
  /** Hash of the initial token from config: a new one there starts over from it. */
  initial_hash: string;
  access_token: string | null;
  expires_at: Timestamp | null;
  updated_at: Timestamp;
}

/** The last introspected schema of a GraphQL source (`tributary.graphql_schema`). */
export interface GraphqlSchemaTable {
  source: string;
  hash: string;
  previous_hash: string | null;
  schema: JSONColumnType<object, string, string>;
  run_id: string | null;
  fetched_at: Timestamp;
}

/** A stream's incremental watermark, advanced after a run's merge commits (`tributary.watermark`). */
export interface WatermarkTable {
  source: string;
  stream: string;
  value: string;
  run_id: string;
  updated_at: Timestamp;
}

/** The incremental start a run used and the highest cursor it saw, per stream (`tributary.fetch_cursor`). */
export interface FetchCursorTable {
  run_id: string;
  source: string;
  stream: string;
  start_value: string | null;
  max_value: string | null;
  updated_at: Timestamp;
}

/** A parent whose children a run fetched, with its record's hash and the highest child cursor seen (`tributary.fetch_parent`). */
export interface FetchParentTable {
  run_id: string;
  source: string;
  /** The child stream. */
  stream: string;
  /** The parent record's primary key. */
  parent_key: string;
  /** The staged parent record's hash. */
  parent_hash: string;
  max_value: string | null;
}

/** A committed step of a run's partitioned merge, with its result (`tributary.merge_step`). */
export interface MergeStepTable {
  run_id: string;
  /** `prepare`, or `write:<entity>:<partition>`. */
  step: string;
  result: JSONColumnType<object, string, string>;
  done_at: Generated<Date>;
}

/** The latest raw payload of a source record a merge took in (`tributary.latest_record`). */
export interface LatestRecordTable {
  source: string;
  stream: string;
  source_key: string;
  /** The staged payload's hash. */
  hash: string;
  /** `streamFingerprint` of the mappings it was merged under. */
  fingerprint: string;
  /** The staged row holding its bytes: `staged_record.stream_id` and `id`. */
  staged_stream_id: number;
  staged_id: string;
  /** False while it is quarantined: it is then staged again on every fetch. */
  settled: boolean;
  run_id: string;
  /** When its entities were last marked seen by a fetch that found it unchanged. */
  seen_at: Timestamp;
}

/** A key whose entity row a run's merge partitions re-merge (`tributary.merge_affected_key`). */
export interface MergeAffectedKeyTable {
  run_id: string;
  entity: string;
  entity_key: string;
}

/** A child stream's state per parent as of the last merged run (`tributary.parent_state`). */
export interface ParentStateTable {
  source: string;
  stream: string;
  parent_key: string;
  /** The parent record's hash when its children were last fetched. */
  parent_hash: string;
  /** The highest child cursor seen for the parent; null without incremental or children. */
  watermark: string | null;
  run_id: string;
  updated_at: Generated<Timestamp>;
}

/** A source's request budget shared by the workers (`tributary.source_budget`, see `createPgRateBudget`). */
export interface SourceBudgetTable {
  source: string;
  /** The earliest start of the source's next request. */
  next_at: Timestamp;
  /** A server-requested pause of every request of the source. */
  paused_until: Timestamp | null;
}

/** The internal tables, by qualified name. Entity tables are created from config and queried untyped. */
export interface Database {
  'tributary.run': RunTable;
  'tributary.staged_record': StagedRecordTable;
  'tributary.fetch_checkpoint': FetchCheckpointTable;
  'tributary.source_record': SourceRecordTable;
  'tributary.identity_link': IdentityLinkTable;
  'tributary.quarantine': QuarantineTable;
  'tributary.entity_redirect': EntityRedirectTable;
  'tributary.entity_seen': EntitySeenTable;
  'tributary.entity_last_seen': EntityLastSeenView;
  'tributary.oauth_token': OAuthTokenTable;
  'tributary.graphql_schema': GraphqlSchemaTable;
  'tributary.watermark': WatermarkTable;
  'tributary.fetch_cursor': FetchCursorTable;
  'tributary.fetch_parent': FetchParentTable;
  'tributary.parent_state': ParentStateTable;
  'tributary.merge_step': MergeStepTable;
  'tributary.merge_affected_key': MergeAffectedKeyTable;
  'tributary.latest_record': LatestRecordTable;
  'tributary.source_budget': SourceBudgetTable;
}
