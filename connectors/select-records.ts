import { compileJsonPath } from '../core/json-path.js';
import { ResponseFormatError } from './connector-error.js';

const conventionalNames = ['data', 'items', 'results', 'records', 'rows', 'entries', 'values', 'nodes'];

/**
 * The records of a response body. With a path, the array (or single object) there. Without one:
 * the body if it is an array, else its only array field, else a conventionally named one.
 * Anything else is an error that lists the body's keys, never a silent empty page.
 */
export function selectRecords(body: unknown, path: string | undefined, url: string): unknown[] {
  if (path) {
    const compiled = compileJsonPath(path);
    const found = compiled.multi ? compiled.all(body) : compiled.first(body);
    if (Array.isArray(found)) return found;
    if (found === undefined || found === null) {
      throw new ResponseFormatError(url, `no records at ${path}; top-level keys: ${keysOf(body)}`);
    }
    return [found];
  }
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object') {
    const arrays = Object.entries(body).filter(([, v]) => Array.isArray(v));
    if (arrays.length === 1) return arrays[0]![1] as unknown[];
    const named = arrays.find(([k]) => conventionalNames.includes(k));
    if (named) return named[1] as unknown[];
  }
  throw new ResponseFormatError(url, `cannot tell where the records are; set recordsPath (top-level keys: ${keysOf(body)})`);
}

function keysOf(body: unknown): string {
  return body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).join(', ') || '(none)' : typeof body;
}
