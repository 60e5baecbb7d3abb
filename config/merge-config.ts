import { z } from 'zod';

/**
 * How a run's merge overlaps the fetch and spreads its entity writes. While streams are fetched,
 * their staged records are mapped, keyed and stored as contributions as they arrive (`overlap`).
 * After the fetch the rest is stored the same way (one transaction), then each entity's rows
 * are written in partitions of its key space, each committed on its own connection, as
 * separate activities that any worker may run. More partitions keep more database cores busy
 * on large merges.
 *
 * ```yaml
 * merge: { overlap: true, maxPartitions: 2, keysPerPartition: 25000 }
 * ```
 */
export const mergeSchema = z.strictObject({
  /** Map, key and store records as contributions while later pages are still fetched (default true): what a stream staged so far is merged as it arrives, so the merge after the fetch maps only the rest and then writes the entity rows. Entity rows are written after the fetch, each once, except into an entity on its first load whose only source is the fetched stream: its rows are written with their contributions, so readers see them as pages arrive. Contributions (and such rows) stored during the fetch of a run that then fails stay stored (exactly what the upstream sent), and the entity's next merge writes the rows still missing; the failed run's watermarks stay, so the next run fetches that window again. Only a stream's first load into an entity is merged during the fetch; entities with `quarantine.failAbove`, child entities, entities with children and entities fed by a deleted-records feed are merged after the fetch, as one validated whole. `false` merges everything after the fetch. */
  overlap: z.boolean().default(true).describe("Map, key and store records as contributions while later pages are still fetched (default true): what a stream staged so far is merged as it arrives, so the merge after the fetch maps only the rest and then writes the entity rows. Entity rows are written after the fetch, each once, except into an entity on its first load whose only source is the fetched stream: its rows are written with their contributions, so readers see them as pages arrive. Contributions (and such rows) stored during the fetch of a run that then fails stay stored (exactly what the upstream sent), and the entity's next merge writes the rows still missing; the failed run's watermarks stay, so the next run fetches that window again. Only a stream's first load into an entity is merged during the fetch; entities with `quarantine.failAbove`, child entities, entities with children and entities fed by a deleted-records feed are merged after the fetch, as one validated whole. `false` merges everything after the fetch."),
  /** At most this many partitions per entity (and connections at once per entity); default 2. Raise it towards the database server's cores: each partition is a Postgres backend (and the worker resolves its entities), so on a small machine more partitions only contend. */
  maxPartitions: z.number().int().min(1).max(64).default(2).describe("At most this many partitions per entity (and connections at once per entity); default 2. Raise it towards the database server's cores: each partition is a Postgres backend (and the worker resolves its entities), so on a small machine more partitions only contend."),
  /** One partition per this many entity keys to rewrite, up to `maxPartitions`; default 25,000 (small merges stay one partition). */
  keysPerPartition: z.number().int().min(1).default(25_000).describe('One partition per this many entity keys to rewrite, up to `maxPartitions`; default 25,000 (small merges stay one partition).'),
});

/** Validated merge config. */
export type MergeConfig = z.infer<typeof mergeSchema>;
