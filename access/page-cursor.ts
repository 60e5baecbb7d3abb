import { HttpError } from './http-error.js';

/** A keyset position: the last row's change time and key. */
export interface PageCursor {
  readonly changed: string;
  readonly key: string;
}

/** Encodes a cursor as opaque base64url text. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.changed, cursor.key])).toString('base64url');
}

/** Decodes a cursor; a malformed one is a 400, not a 500. */
export function decodeCursor(text: string): PageCursor {
  try {
    const [changed, key] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    if (typeof changed === 'string' && typeof key === 'string' && !Number.isNaN(Date.parse(changed))) return { changed, key };
  } catch {
    // fall through to the 400 below
  }
  throw new HttpError(400, 'invalid cursor: pass the next_cursor value of a previous page unchanged');
}
