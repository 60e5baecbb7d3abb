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
  /** Only part of the run's staged records, as a merge that follows the fetch takes them (`StagedSlice`); default all of them. */
  readonly slice?: StagedSlice;
}

/**
 * Part of a stream's staged records of a run, for a merge that follows the fetch:
 *
 * - `new`: the records staged with an `id` in `ids`, none merged before, into a stream that had no
 *   contributions to the entity when the run began (so each is a plain insert);
 * - `restaged`: the records up to `id` `through` that were merged and then staged again under the
 *   same key (a page repeated a record): each whose contribution was mapped from another payload.
 */
export type StagedSlice =
  | { readonly kind: 'new'; readonly ids: { readonly after: string; readonly through: string } }
  | { readonly kind: 'restaged'; readonly through: string };
