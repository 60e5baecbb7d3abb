import { HttpError } from './http-error.js';

/**
 * A keyset position: the sort values of the last row returned (exact, as Postgres text), its
 * key, and a signature of the order they belong to.
 */
export interface PageCursor {
  /** The order the cursor was made for, e.g. `_last_changed.asc`. */
  readonly order: string;
  /** The last row's sort values as Postgres text (null for a missing value). */
  readonly values: ReadonlyArray<string | null>;
  /** The last row's `_key`, the final tie-breaker. */
  readonly key: string;
}

/** Encodes a cursor as opaque base64url text. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.order, cursor.values, cursor.key])).toString('base64url');
}

/** Decodes a cursor made for `order`; a malformed or foreign one is a 400, not a 500. */
export function decodeCursor(text: string, order: string): PageCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 3) {
    const [o, values, key] = parsed as unknown[];
    if (typeof o === 'string' && typeof key === 'string' && Array.isArray(values) && values.every((v) => v === null || typeof v === 'string')) {
      if (o !== order) throw new HttpError(400, `the cursor belongs to order=${o}, not order=${order}: keep the order while paging`);
      return { order: o, values: values as Array<string | null>, key };
    }
  }
  throw new HttpError(400, 'invalid cursor: pass the next_cursor value of a previous page unchanged');
}
