import { type Kysely, sql } from 'kysely';
import type { Database } from '../../store/database-schema.js';

/** A record that violates the entity's schema, with why. */
export interface QuarantineRow {
  readonly source_key: string;
  /** Every problem, e.g. `n: expected an integer, got "x"; email: required but missing`. */
  readonly reason: string;
  /** Problem categories without the offending values, e.g. `n: expected an integer`. */
  readonly reasons: readonly string[];
  readonly payload: unknown;
}

/** The category of one problem: the text before the offending value, so counts group well. */
export function reasonCategory(problem: string): string {
  return problem.replace(/, got .*$/s, '');
}

/**
 * Stores quarantined records of one stream (`tributary.quarantine`). One row per run, entity,
 * stream and record, so a retried merge updates rather than repeats it.
 */
export async function insertQuarantine(
  db: Kysely<Database>,
  target: { runId: string; entity: string; source: string; stream: string },
  rows: readonly QuarantineRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await sql`insert into tributary.quarantine (run_id, entity, source, stream, source_key, reason, reasons, payload)
    select ${target.runId}, ${target.entity}, ${target.source}, ${target.stream}, q.source_key, q.reason, array(select jsonb_array_elements_text(q.reasons)), q.payload
    from jsonb_to_recordset(${JSON.stringify(rows, withoutNul)}::jsonb) as q(source_key text, reason text, reasons jsonb, payload jsonb)
    on conflict (run_id, entity, source, stream, source_key) do update set reason = excluded.reason, reasons = excluded.reasons, payload = excluded.payload`.execute(db);
}

// jsonb cannot hold U+0000, and a record quarantined for holding one must still be stored: it
// is kept with U+FFFD in its place (the staged payload keeps the original).
function withoutNul(_key: string, v: unknown): unknown {
  if (typeof v === 'string') return v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => k.includes('\u0000'))) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replaceAll('\u0000', '\uFFFD'), x]));
  }
  return v;
}

/** Thrown when a merge quarantined more than the entity's `quarantine.failAbove` allows; nothing of the merge is applied. */
export class QuarantineThresholdError extends Error {
  /** Stable error code. */
  readonly code = 'QUARANTINE_THRESHOLD_EXCEEDED';
  constructor(entity: string, quarantined: number, read: number, failAbove: number, reasons: Readonly<Record<string, number>>) {
    const top = Object.entries(reasons)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 5)
      .map(([r, n]) => `${n}× ${r}`)
      .join('; ');
    super(
      `entity ${entity}: ${quarantined} of ${read} records violate the schema (more than entities.${entity}.quarantine.failAbove = ${failAbove}); ` +
        `nothing was merged; the records are in tributary.quarantine. Most common: ${top}`,
    );
    this.name = 'QuarantineThresholdError';
  }
}
