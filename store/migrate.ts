import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { migrations } from '../migrations/index.js';

/** The schema holding Tributary's own tables. */
export const INTERNAL_SCHEMA = 'tributary';

const provider: MigrationProvider = { getMigrations: async () => migrations as Record<string, Migration> };

/**
 * Brings the internal tables up to date. Safe to call from several processes at once: Kysely
 * serializes migrators with a lock table.
 */
export async function migrateToLatest<DB>(db: Kysely<DB>): Promise<void> {
  await sql`create schema if not exists ${sql.id(INTERNAL_SCHEMA)}`.execute(db);
  // Features are developed in parallel, so a later-numbered migration may land first.
  const migrator = new Migrator({ db: db as Kysely<unknown>, provider, migrationTableSchema: INTERNAL_SCHEMA, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${(error as Error | undefined)?.message ?? 'unknown error'}`, { cause: error });
  }
}
