import { type Kysely, sql } from 'kysely';

/**
 * `tributary.entity_last_seen`: when each entity was last seen upstream, and by which run. A
 * contribution says when its payload was fetched (`source_record.fetched_at`), so
 * `tributary.entity_seen` keeps only the sightings no contribution records (a record fetched
 * again unchanged): a first load writes no seen row at all. The view takes the later of the two.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create view tributary.entity_last_seen as
    select distinct on (entity, entity_key) entity, entity_key, last_seen, last_run_id from (
      select entity, entity_key, last_seen, last_run_id from tributary.entity_seen
      union all
      select entity, entity_key, fetched_at, run_id from tributary.source_record where entity_key is not null
    ) s
    order by entity, entity_key, last_seen desc`.execute(db);
}

/** Drops the view. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop view tributary.entity_last_seen`.execute(db);
}
