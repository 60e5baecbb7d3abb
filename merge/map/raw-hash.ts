import { type RawBuilder, sql } from 'kysely';

/**
 * The `source_record.raw_hash` of a staged record: its payload hash combined with the mapping
 * fingerprint (`mappingFingerprint`), so one comparison answers "same payload, same mapping".
 *
 * ```sql
 * md5(r.hash || $fingerprint)
 * ```
 */
export function rawHashSql(stagedHash: RawBuilder<unknown>, fingerprint: string): RawBuilder<string> {
  return sql<string>`md5(${stagedHash} || ${fingerprint}::text)`;
}
