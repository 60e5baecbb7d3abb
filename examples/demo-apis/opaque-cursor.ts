/**
 * Opaque pagination cursors: base64url of `{"k": kind, "after": id}`. Keyset cursors (the last
 * id seen) stay valid when records are added or edited between pages, like real APIs' cursors;
 * the kind stops a cursor of one API from being replayed against another.
 */
export function encodeCursor(kind: string, afterId: string): string {
  return Buffer.from(JSON.stringify({ k: kind, after: afterId })).toString('base64url');
}

/** The id a cursor points after, or undefined when it is not a cursor of this `kind`. */
export function decodeCursor(kind: string, cursor: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'k' in parsed && 'after' in parsed && parsed.k === kind && typeof parsed.after === 'string') {
      return parsed.after;
    }
  } catch {
    // Not base64 JSON: fall through to "invalid".
  }
  return undefined;
}
