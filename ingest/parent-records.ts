import { parseJsonExact } from '../core/exact-json.js';
import type { Kysely } from 'kysely';
import type { ParentRecords } from '../connectors/fan-out-reader.js';
import type { Database } from '../store/database-schema.js';
import { stagedStreamId } from '../store/staged-stream.js';
import type { StreamRunKey } from '../store/staging-store.js';

/**
 * A parent stream's records staged in the same run, in staging order (the staged row id), for
 * fanning out a child stream. The position is the row id, so a resumed child continues with
 * the same parent.
 */
export function stagedParentRecords(db: Kysely<Database>, parent: StreamRunKey): ParentRecords {
  const base = () =>
    db
      .selectFrom('tributary.staged_record')
      .select(['id', 'payload'])
      .where('stream_id', '=', stagedStreamId(parent));
  return {
    async at(position) {
      const row = await base().where('id', '=', position).executeTakeFirst();
      return row ? { position: String(row.id), record: parseJsonExact(row.payload) } : undefined;
    },
    async positionsAfter(position, count) {
      const rows = await db
        .selectFrom('tributary.staged_record')
        .select('id')
        .where('stream_id', '=', stagedStreamId(parent))
        .where('id', '>', position)
        .orderBy('id')
        .limit(count)
        .execute();
      return rows.map((r) => String(r.id));
    },
    async after(position) {
      const row = await base().where('id', '>', position).orderBy('id').limit(1).executeTakeFirst();
      return row ? { position: String(row.id), record: parseJsonExact(row.payload) } : undefined;
    },
  };
}
