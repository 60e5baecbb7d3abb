import type { Kysely } from 'kysely';
import type { EntityConfig, EntitySourceMapping } from '../../config/entities/entity-config.js';
import type { Database } from '../../store/database-schema.js';

/** One stream of one run merged into one entity (top-level or child), inside the merge transaction. */
export interface StreamMergeInput {
  readonly trx: Kysely<Database>;
  /** The entity's name in config. */
  readonly name: string;
  readonly entity: EntityConfig;
  /** `source.stream`. */
  readonly ref: string;
  readonly mapping: EntitySourceMapping;
  readonly runId: string;
  /** The run whose staged records are read (a rerun reads a past run's). */
  readonly stagedRunId: string;
  /** Read every record's latest payload (`tributary.latest_record`) instead of a run's staged records. */
  readonly fromLatest?: boolean;
  readonly now: Date;
  /** Only map and quarantine (after a merge failed its quarantine threshold). */
  readonly quarantineOnly?: boolean;
  /**
   * The writer re-merges every key the entity has contributions for (`AffectedKeys` `all`), so a
   * new contribution need not be listed in `merge_affected`, and marks each key seen.
   */
  readonly everyKeyAffected?: boolean;
  /** Staged records read and keyed at a time (`MergeRunInput.batchSize`). */
  readonly batchSize?: number;
}
