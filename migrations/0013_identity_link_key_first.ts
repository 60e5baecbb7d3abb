import type { Kysely } from 'kysely';

/**
 * `identity_link (entity, entity_key)` becomes `(entity_key, entity)`. Led by `entity`, the
 * index looked like the cheapest way to the links of an entity the statistics had never seen (a
 * new entity merged after another one's first load was analyzed): the planner used it for the
 * merge's primary-key probes, filtering every link of the entity for each match value, and the
 * merge turned quadratic (minutes for 40k records). Led by `entity_key`, it still serves the
 * moves of a merged entity's links (`where entity = $1 and entity_key = $2`) and nothing else.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('tributary').dropIndex('identity_link_entity_key').ifExists().execute();
  await db.schema.withSchema('tributary').createIndex('identity_link_entity_key').on('identity_link').columns(['entity_key', 'entity']).execute();
}

/** Back to `(entity, entity_key)`. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.withSchema('tributary').dropIndex('identity_link_entity_key').ifExists().execute();
  await db.schema.withSchema('tributary').createIndex('identity_link_entity_key').on('identity_link').columns(['entity', 'entity_key']).execute();
}
