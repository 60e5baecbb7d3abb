import { type Kysely, sql } from 'kysely';

/**
 * Makes staging a page as cheap as a COPY and reading a stream back one index range:
 *
 * - `payload` becomes `json`: the text the worker serialized is validated and stored as is
 *   (no jsonb parse and re-encode on write, no jsonb-to-text on read; readers parse it the same way);
 * - the primary key becomes `(run_id, source, stream, id)`: readers page through one stream of
 *   one run in staging order, which the key on `id` alone could only answer by scanning and
 *   sorting the stream's rows for every batch. Nothing looks a staged record up by `id` alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table tributary.staged_record alter column payload type json using payload::json`.execute(db);
  await sql`alter table tributary.staged_record drop constraint staged_record_pkey`.execute(db);
  await sql`alter table tributary.staged_record add constraint staged_record_pkey primary key (run_id, source, stream, id)`.execute(db);
}

/** Restores the jsonb payload and the key on `id`. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table tributary.staged_record drop constraint staged_record_pkey`.execute(db);
  await sql`alter table tributary.staged_record add constraint staged_record_pkey primary key (id)`.execute(db);
  await sql`alter table tributary.staged_record alter column payload type jsonb using payload::jsonb`.execute(db);
}
