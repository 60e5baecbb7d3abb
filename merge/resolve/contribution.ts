/** What one source record says about one entity, after mapping and type coercion. */
export interface Contribution {
  readonly source: string;
  readonly stream: string;
  readonly sourceKey: string;
  /** Field values, JSON-compatible: timestamps as ISO strings, decimals as strings. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The source's own last-update time (epoch ms), when the mapping names one. */
  readonly updatedAt: number | null;
  /** When Tributary fetched the record (epoch ms). */
  readonly fetchedAt: number;
  /** When the source withdrew the record (epoch ms): its values no longer count. */
  readonly deletedAt?: number | null;
}

/** Which source record supplied a value, and as of when. */
export interface ProvenanceEntry {
  readonly source: string;
  readonly stream: string;
  readonly key: string;
  /** ISO time of the supplying record (its updated-at, else its fetch time). */
  readonly at: string;
}

/** When a contribution is as of: its updated-at, else its fetch time. */
export function asOf(c: Contribution): number {
  return c.updatedAt ?? c.fetchedAt;
}

/** Provenance of a value taken from `c`. */
export function provenanceOf(c: Contribution): ProvenanceEntry {
  return { source: c.source, stream: c.stream, key: c.sourceKey, at: new Date(asOf(c)).toISOString() };
}

/**
 * The stable JSON of a provenance entry (keys sorted: `at`, `key`, `source`, `stream`), written
 * directly for this one shape: an entity's hash covers one entry per field.
 */
export function provenanceJson(p: ProvenanceEntry): string {
  return `{"at":${JSON.stringify(p.at)},"key":${JSON.stringify(p.key)},"source":${JSON.stringify(p.source)},"stream":${JSON.stringify(p.stream)}}`;
}

/**
 * Provenance entries of one entity's contributions, each built once and shared by every field
 * the contribution supplies, and each entry's JSON written once.
 */
export class ProvenanceMemo {
  private readonly entries = new Map<Contribution, ProvenanceEntry>();
  private readonly texts = new Map<ProvenanceEntry, string>();

  /** The provenance of a value taken from `c` (always the same object for the same contribution). */
  of(c: Contribution): ProvenanceEntry {
    let p = this.entries.get(c);
    if (!p) this.entries.set(c, (p = provenanceOf(c)));
    return p;
  }

  /** `provenanceJson(p)`, once per entry. */
  json(p: ProvenanceEntry): string {
    let s = this.texts.get(p);
    if (s === undefined) this.texts.set(p, (s = provenanceJson(p)));
    return s;
  }
}

/** A total order on contributions that does not depend on the order they arrived in. */
export function compareContributions(a: Contribution, b: Contribution): number {
  return cmp(a.source, b.source) || cmp(a.stream, b.stream) || cmp(a.sourceKey, b.sourceKey);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
