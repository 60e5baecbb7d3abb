import type { Kysely } from 'kysely';
import type { Database } from './database-schema.js';

/**
 * The entity key that match values already link to (the first found, in the order given), or
 * undefined when the record would found a new entity. Redirects of merged entities are not
 * followed: the key is where the link points today.
 */
export async function findLinkedEntityKey(db: Kysely<Database>, entity: string, pairs: ReadonlyArray<readonly [string, string]>): Promise<string | undefined> {
  for (const [field, value] of pairs) {
    const row = await db.selectFrom('tributary.identity_link').select('entity_key').where('entity', '=', entity).where('match_field', '=', field).where('match_value', '=', value).executeTakeFirst();
    if (row) return row.entity_key;
  }
  return undefined;
}
