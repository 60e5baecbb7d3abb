import { type Kysely, sql } from 'kysely';
import { contentHash } from '../../core/stable-json.js';
import type { Database } from '../../store/database-schema.js';

/** A record's match-key values, normalized, in the entity's `matchOn` order. */
export type MatchPairs = ReadonlyArray<readonly [field: string, value: string]>;

/** One record to identify: its match pairs, and a key of its own for when it has none. */
export interface IdentityInput {
  readonly pairs: MatchPairs;
  /** `source.stream:sourceKey`, used only when the record has no match value. */
  readonly fallback: string;
}

/** Two entities found to be the same: `from` is absorbed into `to` (the smaller key). */
export interface Redirect {
  readonly from: string;
  readonly to: string;
}

/** Normalizes a value for matching: trimmed, lower-cased text; null for empty. */
export function normalizeMatchValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = (typeof v === 'string' ? v : JSON.stringify(v)).trim().toLowerCase();
  return s === '' ? null : s;
}

/** The key a record would found an entity with: derived from its first (most reliable) match value. */
export function candidateKey(entity: string, input: IdentityInput): string {
  const first = input.pairs[0];
  return first ? deriveKey(entity, first[0], first[1]) : deriveKey(entity, '_record', input.fallback);
}

/**
 * Assigns entity keys to a batch of records (`tributary.identity_link` holds every match value
 * ever seen, linked to its entity key).
 *
 * Records, match values and entity keys form a graph: a record connects its match values, a
 * link connects a value to its entity. Each connected group is one entity, keyed by the
 * smallest key in it, where every record brings the key derived from its first match value.
 * The smallest key over a group does not depend on the order records arrive in, so merging in
 * any order, batch size or number of runs gives the same keys. When a record joins groups that
 * were separate entities, the larger keys are redirected to the smallest (links, contributions,
 * children, last-seen and earlier redirects move) and returned, so the writer can soft-delete
 * the absorbed rows with `_merged_into`.
 */
export async function assignEntityKeys(
  trx: Kysely<Database>,
  entity: string,
  records: readonly IdentityInput[],
  opts: { runId: string; now: Date; children?: readonly string[] },
): Promise<{ keys: string[]; redirects: Redirect[] }> {
  const id = (f: string, v: string) => `${f}\u0000${v}`;
  const wanted = new Map<string, readonly [string, string]>();
  for (const r of records) for (const p of r.pairs) wanted.set(id(p[0], p[1]), p);
  const linked = new Map<string, string>();
  if (wanted.size > 0) {
    const batch = JSON.stringify([...wanted.values()].map(([f, v]) => ({ f, v })));
    // One primary-key probe per wanted value (`offset 0` keeps the subquery from being flattened):
    // joined plainly, an identity_link without statistics (a first load) gets all of the entity's
    // links hashed for every batch, and the merge turns quadratic in N.
    const rows = await sql<{ match_field: string; match_value: string; entity_key: string }>`
      select w.f as match_field, w.v as match_value, l.entity_key
      from jsonb_to_recordset(${batch}::jsonb) as w(f text, v text)
      cross join lateral (select l.entity_key from tributary.identity_link l where l.entity = ${entity} and l.match_field = w.f and l.match_value = w.v offset 0) l`.execute(trx);
    for (const row of rows.rows) linked.set(id(row.match_field, row.match_value), row.entity_key);
  }

  const groups = new UnionFind();
  const candidates = records.map((r) => candidateKey(entity, r));
  records.forEach((r, i) => {
    groups.add(`k:${candidates[i]}`);
    for (const [f, v] of r.pairs) groups.union(`k:${candidates[i]}`, `p:${id(f, v)}`);
  });
  for (const [pair, key] of linked) groups.union(`p:${pair}`, `k:${key}`);
  const smallest = new Map<string, string>();
  for (const node of groups.nodes()) {
    if (!node.startsWith('k:')) continue;
    const root = groups.find(node);
    const key = node.slice(2);
    const best = smallest.get(root);
    if (best === undefined || key < best) smallest.set(root, key);
  }
  const keyOf = (node: string) => smallest.get(groups.find(node))!;

  const redirects = [...new Set(linked.values())].filter((k) => keyOf(`k:${k}`) !== k).map((k) => ({ from: k, to: keyOf(`k:${k}`) }));
  if (redirects.length > 0) await applyRedirects(trx, entity, redirects, opts);

  const newLinks: Array<{ f: string; v: string; k: string }> = [];
  for (const [pair, [f, v]] of wanted) {
    const key = keyOf(`p:${pair}`);
    if (linked.get(pair) === undefined) newLinks.push({ f, v, k: key });
  }
  if (newLinks.length > 0) {
    await sql`
      insert into tributary.identity_link (entity, match_field, match_value, entity_key)
      select ${entity}, n.f, n.v, n.k from jsonb_to_recordset(${JSON.stringify(newLinks)}::jsonb) as n(f text, v text, k text)
      on conflict do nothing`.execute(trx);
  }
  return { keys: candidates.map((c) => keyOf(`k:${c}`)), redirects };
}

/**
 * Moves everything of the absorbed entities to their survivors, set-based: links, contributions,
 * children (re-keyed under the new parent), last-seen, and earlier redirects (so every redirect
 * points at a live key). Both keys of each pair are marked affected for the writer.
 */
async function applyRedirects(trx: Kysely<Database>, entity: string, redirects: readonly Redirect[], opts: { runId: string; now: Date; children?: readonly string[] }): Promise<void> {
  const r = sql`jsonb_to_recordset(${JSON.stringify(redirects.map((x) => ({ f: x.from, t: x.to })))}::jsonb) as r(f text, t text)`;
  await sql`update tributary.identity_link l set entity_key = r.t from ${r} where l.entity = ${entity} and l.entity_key = r.f`.execute(trx);
  await sql`update tributary.source_record s set entity_key = r.t from ${r} where s.entity = ${entity} and s.entity_key = r.f`.execute(trx);
  await sql`update tributary.entity_redirect d set to_key = r.t from ${r} where d.entity = ${entity} and d.to_key = r.f`.execute(trx);
  await sql`insert into tributary.entity_redirect (entity, from_key, to_key, run_id, merged_at)
    select ${entity}, r.f, r.t, ${opts.runId}, ${opts.now} from ${r}
    on conflict (entity, from_key) do update set to_key = excluded.to_key, run_id = excluded.run_id, merged_at = excluded.merged_at`.execute(trx);
  await sql`insert into tributary.entity_seen as e (entity, entity_key, last_seen, last_run_id)
    select ${entity}, r.t, max(s.last_seen), max(s.last_run_id) from tributary.entity_seen s join ${r} on s.entity_key = r.f where s.entity = ${entity} group by r.t
    on conflict (entity, entity_key) do update set last_seen = greatest(e.last_seen, excluded.last_seen)`.execute(trx);
  await sql`delete from tributary.entity_seen s using ${r} where s.entity = ${entity} and s.entity_key = r.f`.execute(trx);
  await sql`insert into merge_affected (entity, entity_key) select ${entity}, k from ${r}, lateral (values (r.f), (r.t)) as v(k) on conflict do nothing`.execute(trx);
  if (opts.children && opts.children.length > 0) {
    // A child's key is its parent's key plus its child key, so it moves with the parent.
    await sql`
      with moved as (
        update tributary.source_record s set parent_key = r.t, entity_key = r.t || substr(s.entity_key, length(r.f) + 1)
        from ${r} where s.entity = any(${opts.children}::text[]) and s.parent_key = r.f
        returning s.entity, s.entity_key, r.f || substr(s.entity_key, length(r.t) + 1) as old_key
      )
      insert into merge_affected (entity, entity_key)
      select entity, entity_key from moved union select entity, old_key from moved
      on conflict do nothing`.execute(trx);
  }
}

/** A stable key for an entity first identified by `field = value`. */
function deriveKey(entity: string, field: string, value: string): string {
  return contentHash([entity, field, value]).slice(0, 24);
}

/** Disjoint sets over string nodes (path halving). */
class UnionFind {
  private readonly parent = new Map<string, string>();
  add(a: string): void {
    if (!this.parent.has(a)) this.parent.set(a, a);
  }
  find(a: string): string {
    this.add(a);
    let x = a;
    while (this.parent.get(x) !== x) {
      const up = this.parent.get(this.parent.get(x)!)!;
      this.parent.set(x, up);
      x = up;
    }
    return x;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
  nodes(): IterableIterator<string> {
    return this.parent.keys();
  }
}
