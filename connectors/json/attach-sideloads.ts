import { SIDELOAD_MEMBER } from '../../config/entities/sideload-path.js';
import { compileJsonPath } from '../../core/json-path.js';
import { appendMembers } from './append-members.js';
import { sliceRecords } from './slice-records.js';

/** One side-load of a stream: where its records are, their key, and where each record names the keys it refers to. */
export interface SideloadSpec {
  readonly name: string;
  /** JSONPath of the side-loaded records in the body. */
  readonly path: string;
  /** JSONPath of the key in each side-loaded record. */
  readonly key: string;
  /** JSONPaths, in each record, of the keys it refers to (from the mappings that read this side-load). */
  readonly keyPaths: readonly string[];
}


/**
 * Gives each record the side-loaded records it refers to, under `$sideload.<name>.<key>`: in the
 * record and appended to its text, where the side-loaded record's own text (sliced from the body
 * when it is JSON) is kept byte-exact. A key the page has no side-loaded record for is left out.
 */
export function attachSideloads(
  page: { readonly body: unknown; readonly text: string | undefined; readonly records: readonly unknown[]; readonly texts: readonly string[] | undefined },
  specs: readonly SideloadSpec[],
): { records: unknown[]; texts: string[] | undefined } {
  const tables = specs.map((spec) => ({ spec, byKey: sideloadTable(page.body, page.text, spec), keyPaths: spec.keyPaths.map((p) => compileJsonPath(p)) }));
  const records: unknown[] = [];
  const texts: string[] | undefined = page.texts ? [] : undefined;
  page.records.forEach((record, i) => {
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      records.push(record);
      texts?.push(page.texts![i]!);
      return;
    }
    const attached: Record<string, Record<string, unknown>> = {};
    const attachedText: string[] = [];
    for (const { spec, byKey, keyPaths } of tables) {
      const found: Record<string, unknown> = {};
      const foundText: string[] = [];
      for (const path of keyPaths) {
        for (const v of path.all(record).flatMap((x) => (Array.isArray(x) ? x : [x]))) {
          const key = keyOf(v);
          const item = key === undefined ? undefined : byKey.get(key);
          if (item === undefined || Object.hasOwn(found, key!)) continue;
          found[key!] = item.value;
          foundText.push(`${JSON.stringify(key)}:${item.text}`);
        }
      }
      attached[spec.name] = found;
      attachedText.push(`${JSON.stringify(spec.name)}:{${foundText.join(',')}}`);
    }
    records.push({ ...(record as Record<string, unknown>), [SIDELOAD_MEMBER]: attached });
    texts?.push(appendMembers(page.texts![i]!, [[SIDELOAD_MEMBER, `{${attachedText.join(',')}}`]]));
  });
  return { records, texts };
}

/** A side-load's records by key, each with its text. */
function sideloadTable(body: unknown, text: string | undefined, spec: SideloadSpec): Map<string, { value: unknown; text: string }> {
  const path = compileJsonPath(spec.path);
  const found = path.multi ? path.all(body) : path.first(body);
  const items = Array.isArray(found) ? found : found === undefined || found === null || found === '' ? [] : [found];
  const sliced = text === undefined ? undefined : sliceRecords(text, spec.path);
  const key = compileJsonPath(spec.key);
  const table = new Map<string, { value: unknown; text: string }>();
  items.forEach((item, i) => {
    const k = keyOf(key.first(item));
    if (k !== undefined) table.set(k, { value: item, text: sliced && sliced.length === items.length ? sliced[i]! : JSON.stringify(item) });
  });
  return table;
}

/** A join key as text: `42` and `"42"` join. */
function keyOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}
