import { type Kysely, sql } from 'kysely';
import { contentHash } from '../core/stable-json.js';
import type { Database } from '../store/database-schema.js';

/** A record's match-key values, normalized, in the entity's `matchOn` order. */
export type MatchPairs = ReadonlyArray<readonly [field: string, value: string]>;

/** Normalizes a value for matching: trimmed, lower-cased text; null for empty. */
export function normalizeMatchValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = (typeof v === 'string' ? v : JSON.stringify(v)).trim().toLowerCase();
  return s === '' ? null : s;
}

/**
 * Assigns entity keys to a batch of records. A record joins the entity already linked to any of
 * its match values (the smallest key when several are, so the choice is deterministic); a record
 * matching nothing gets a key derived from its first match value, so the same person gets the
 * same key whichever source is merged first. Records with no match value get a key of their own.
 * Every match value is then linked to the chosen key.
 */
export async function assignEntityKeys(
  trx: Kysely<Database>,
  entity: string,
  records: ReadonlyArray<{ pairs: MatchPairs; fallback: string }>,
): Promise<string[]> {
  const wanted = new Map<string, readonly [string, string]>();
  for (const r of records) for (const p of r.pairs) wanted.set(`${p[0]}\u0000${p[1]}`, p);
  const linked = new Map<string, string>();
  if (wanted.size > 0) {
    const batch = JSON.stringify([...wanted.values()].map(([f, v]) => ({ f, v })));
    const rows = await sql<{ match_field: string; match_value: string; entity_key: string }>`
      select l.match_field, l.match_value, l.entity_key
      from tributary.identity_link l
      join jsonb_to_recordset(${batch}::jsonb) as w(f text, v text) on l.match_field = w.f and l.match_value = w.v
      where l.entity = ${entity}`.execute(trx);
    for (const row of rows.rows) linked.set(`${row.match_field}\u0000${row.match_value}`, row.entity_key);
  }

  const newLinks = new Map<string, { f: string; v: string; k: string }>();
  const keys = records.map((r) => {
    const existing = r.pairs.map((p) => linked.get(`${p[0]}\u0000${p[1]}`)).filter((k): k is string => k !== undefined);
    const first = r.pairs[0];
    const key = existing.length > 0 ? existing.sort()[0]! : first ? deriveKey(entity, first[0], first[1]) : deriveKey(entity, '_record', r.fallback);
    for (const [f, v] of r.pairs) {
      const id = `${f}\u0000${v}`;
      if (!linked.has(id)) {
        linked.set(id, key);
        newLinks.set(id, { f, v, k: key });
      }
    }
    return key;
  });

  if (newLinks.size > 0) {
    await sql`
      insert into tributary.identity_link (entity, match_field, match_value, entity_key)
      select ${entity}, n.f, n.v, n.k from jsonb_to_recordset(${JSON.stringify([...newLinks.values()])}::jsonb) as n(f text, v text, k text)
      on conflict do nothing`.execute(trx);
  }
  return keys;
}

/** A stable key for an entity first identified by `field = value`. */
function deriveKey(entity: string, field: string, value: string): string {
  return contentHash([entity, field, value]).slice(0, 24);
}
