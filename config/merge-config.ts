import { z } from 'zod';

/**
 * How a run's merge overlaps the fetch and spreads its entity writes. While streams are fetched,
 * their staged records are merged into entities as they arrive (`overlap`). After the run's records are mapped, keyed and
 * stored as contributions (one transaction), each entity's rows are rewritten in partitions of
 * its key space, each committed on its own connection, as separate activities that any worker
 * may run. More partitions keep more database cores busy on large merges.
 *
 * ```yaml
 * merge: { overlap: true, maxPartitions: 2, keysPerPartition: 25000 }
 * ```
 */
export const mergeSchema = z.strictObject({
  /** Merge records into their entities while later pages are still fetched (default true). What a stream staged so far is merged as it arrives, and the merge after the fetch takes only the rest. A record merged during the fetch stays merged when a stream of the run then fails (the run still fails, and its watermarks stay, so the next run fetches that window again). Entities with `quarantine.failAbove`, child entities and entities with children are always merged after the fetch, as one validated whole; `false` merges every entity after the fetch. */
  overlap: z.boolean().default(true).describe('Merge records into their entities while later pages are still fetched (default true). What a stream staged so far is merged as it arrives, and the merge after the fetch takes only the rest. A record merged during the fetch stays merged when a stream of the run then fails (the run still fails, and its watermarks stay, so the next run fetches that window again). Entities with `quarantine.failAbove`, child entities and entities with children are always merged after the fetch, as one validated whole; `false` merges every entity after the fetch.'),
  /** At most this many partitions per entity (and connections at once per entity); default 2. Raise it towards the database server's cores: each partition is a Postgres backend (and the worker resolves its entities), so on a small machine more partitions only contend. */
  maxPartitions: z.number().int().min(1).max(64).default(2).describe("At most this many partitions per entity (and connections at once per entity); default 2. Raise it towards the database server's cores: each partition is a Postgres backend (and the worker resolves its entities), so on a small machine more partitions only contend."),
  /** One partition per this many entity keys to rewrite, up to `maxPartitions`; default 25,000 (small merges stay one partition). */
  keysPerPartition: z.number().int().min(1).default(25_000).describe('One partition per this many entity keys to rewrite, up to `maxPartitions`; default 25,000 (small merges stay one partition).'),
});

/** Validated merge config. */
export type MergeConfig = z.infer<typeof mergeSchema>;
