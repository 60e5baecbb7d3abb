import { compileJsonPath } from '../../core/json-path.js';
import type { BodyFormat } from '../../config/sources/rest-source-config.js';
import { ResponseFormatError } from '../connector-error.js';

const conventionalNames = ['data', 'items', 'results', 'records', 'rows', 'entries', 'values', 'nodes'];

/** The records of a body and the JSONPath they were found at (for slicing their text out of the body). */
export interface SelectedRecords {
  readonly records: unknown[];
  /** The path of the array (or single object) the records are, e.g. `$` or `$.items`. */
  readonly path: string;
}

/**
 * The records of a response body. With a path, the array (or single object) there. Without one:
 * the body if it is an array, else its only array field, else a conventionally named one.
 * Anything else is an error that lists the body's keys, never a silent empty page.
 */
export function selectRecords(body: unknown, path: string | undefined, url: string, opts: { format?: BodyFormat } = {}): SelectedRecords {
  if (path) {
    const compiled = compileJsonPath(path);
    const found = compiled.multi ? compiled.all(body) : compiled.first(body);
    if (Array.isArray(found)) return { records: found, path };
    // XML says "no items" by an empty container (`<items/>`): the records' element is absent and
    // its parent holds nothing else. A parent with other elements is a wrong path, not an empty page.
    if (opts.format === 'xml' && (found === '' || (found === undefined && containerEmpty(body, path)))) return { records: [], path };
    if (found === undefined || found === null) {
      throw new ResponseFormatError(url, `no records at ${path}; top-level keys: ${keysOf(body)}`);
    }
    return { records: [found], path };
  }
  if (Array.isArray(body)) return { records: body, path: '$' };
  if (body && typeof body === 'object') {
    const arrays = Object.entries(body).filter(([, v]) => Array.isArray(v));
    const chosen = arrays.length === 1 ? arrays[0] : arrays.find(([k]) => conventionalNames.includes(k));
    if (chosen) return { records: chosen[1] as unknown[], path: `$[${JSON.stringify(chosen[0]).replace(/^"|"$/g, "'")}]` };
  }
  throw new ResponseFormatError(url, `cannot tell where the records are; set recordsPath (top-level keys: ${keysOf(body)})`);
}

/** True when the value holding the last step of `path` (`$.a.b` → `$.a`) is an empty XML element: no text, no child elements, attributes at most. */
function containerEmpty(body: unknown, path: string): boolean {
  const parent = path.trim().replace(/(\.[^.[\]]+|\[[^\]]*\])$/, '');
  if (parent === path.trim() || parent === '') return false;
  const v = compileJsonPath(parent).first(body);
  return v === '' || (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).every((k) => k.startsWith('@')));
}

function keysOf(body: unknown): string {
  return body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body).join(', ') || '(none)' : typeof body;
}
