import { sql } from 'kysely';

/**
 * How far `entity_seen.last_seen` must move before its row is rewritten: reruns closer together
 * than this leave the row (and its `last_run_id`) as it is, so a burst of unchanged reruns
 * rewrites nothing. Last seen is thus exact to within this interval.
 */
export const SEEN_PRECISION = sql`interval '1 hour'`;

/**
 * The conflict clause of every insert into `tributary.entity_seen as e`: an existing row moves
 * on only by at least `SEEN_PRECISION`, never back.
 */
export const SEEN_ON_CONFLICT = sql`on conflict (entity, entity_key) do update set last_seen = excluded.last_seen, last_run_id = excluded.last_run_id
  where excluded.last_seen >= e.last_seen + ${SEEN_PRECISION}`;
