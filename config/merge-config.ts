import { z } from 'zod';

/**
 * How a run's merge spreads its entity writes. After the run's records are mapped, keyed and
 * stored as contributions (one transaction), each entity's rows are rewritten in partitions of
 * its key space, each committed on its own connection, as separate activities that any worker
 * may run. More partitions keep more database cores busy on large merges.
 *
 * ```yaml
 * merge: { maxPartitions: 2, keysPerPartition: 25000 }
 * ```
 */
export const mergeSchema = z.strictObject({
  /** At most this many partitions per entity (and connections at once per entity); default 2. Raise it towards the database server's cores: each partition is a Postgres backend (and the worker resolves its entities), so on a small machine more partitions only contend. */
  maxPartitions: z.number().int().min(1).max(64).default(2).describe("At most this many partitions per entity (and connections at once per entity); default 2. Raise it towards the database server's cores: each partition is a Postgres backend (and the worker resolves its entities), so on a small machine more partitions only contend."),
  /** One partition per this many entity keys to rewrite, up to `maxPartitions`; default 25,000 (small merges stay one partition). */
  keysPerPartition: z.number().int().min(1).default(25_000).describe('One partition per this many entity keys to rewrite, up to `maxPartitions`; default 25,000 (small merges stay one partition).'),
});

/** Validated merge config. */
export type MergeConfig = z.infer<typeof mergeSchema>;
