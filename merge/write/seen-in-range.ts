import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/database-schema.js';
import { SEEN_ON_CONFLICT } from '../../store/entity-seen.js';
import { type KeyCursor, keyBounds } from './affected-batch.js';

/**
 * `markSeen` for the entities whose keys lie between a batch's cursor and its last key `through`, from their stored
 * contributions instead of a list sent by the caller: each is seen when its latest contribution
 * was fetched. For a merge whose writer re-merges every key (`AffectedKeys` `all`): one statement
 * per written batch, over the index range the writer has just read, and redirects made during the
 * merge have already moved the contributions to the surviving keys. Run it under `ALL_KEYS_PLANNER`.
 *
 * ```sql
 * insert into tributary.entity_seen as e (entity, entity_key, last_seen, last_run_id)
 * select $1, entity_key, max(fetched_at), $2 from tributary.source_record
 * where entity = $1 and entity_key > $3 and entity_key <= $4 group by entity_key
 * on conflict (entity, entity_key) do update set ... where excluded.last_seen >= e.last_seen + interval '1 hour'
 * ```
 */
export async function markSeenInRange(trx: Kysely<Database>, entity: string, runId: string, cursor: KeyCursor, through: string): Promise<void> {
  await sql`
    insert into tributary.entity_seen as e (entity, entity_key, last_seen, last_run_id)
    select ${entity}, r.entity_key, max(r.fetched_at), ${runId} from tributary.source_record r
    where r.entity = ${entity} and ${keyBounds(sql.ref('r.entity_key'), cursor)} and r.entity_key <= ${through}
    group by r.entity_key
    ${SEEN_ON_CONFLICT}`.execute(trx);
}
