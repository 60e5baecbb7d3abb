/**
 * U+0000, which JSON and JavaScript strings allow but Postgres cannot store in `text` or `jsonb`.
 * Values holding it are refused where they enter the database, with this reason.
 */
export const NUL_REASON = 'contains a NUL character (\\u0000), which Postgres cannot store';

/** Whether a JSON value holds U+0000 in any string or key. */
export function containsNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (Array.isArray(v)) return v.some(containsNul);
  if (v !== null && typeof v === 'object') return Object.entries(v).some(([k, x]) => k.includes('\u0000') || containsNul(x));
  return false;
}
