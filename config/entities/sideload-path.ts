import { type EntityMappings, fieldMappingsOf, mappingPaths } from './entity-config.js';

/** The member a record's side-loaded records are staged under (`{..., "$sideload": {"users": {"7": {...}}}}`). */
export const SIDELOAD_MEMBER = '$sideload';

/**
 * A mapping path into a record's side-loaded records: `$sideload.<name>[<JSONPath of the key in
 * the record>]<path in the side-loaded record>`, e.g. `$sideload.users[$.requester_id].email`.
 */
export interface SideloadPath {
  /** The side-load's name in the stream's `sideload`. */
  readonly name: string;
  /** JSONPath of the joining value in the record (the side-loaded record whose key equals it is read). */
  readonly keyPath: string;
  /** JSONPath into the side-loaded record (`$` for the whole record). */
  readonly rest: string;
}

/** True when `path` reads side-loaded records (`$sideload...`). */
export function isSideloadPath(path: string): boolean {
  return /^\s*\$sideload(?=$|[.[\s])/.test(path);
}

/**
 * Parses a `$sideload.<name>[<key path>]<rest>` path; undefined when it is not one, a string
 * saying what is wrong when it is a malformed one.
 */
export function parseSideloadPath(path: string): SideloadPath | string | undefined {
  if (!isSideloadPath(path)) return undefined;
  const text = path.trim();
  const head = /^\$sideload\.([A-Za-z_][A-Za-z0-9_]*)\[/.exec(text);
  if (!head) return 'a side-load path is $sideload.<name>[<JSONPath of the key in the record>], e.g. $sideload.users[$.requester_id].email';
  // The key path may hold brackets and quoted text of its own: find the bracket that closes it.
  let depth = 1;
  let quote: string | undefined;
  let i = head[0].length;
  for (; i < text.length && depth > 0; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '[') depth++;
    else if (ch === ']') depth--;
  }
  if (depth > 0) return `unclosed [ in ${JSON.stringify(path)}`;
  const keyPath = text.slice(head[0].length, i - 1).trim();
  if (keyPath === '') return `no key path between the brackets of ${JSON.stringify(path)}`;
  return { name: head[1]!, keyPath, rest: `$${text.slice(i)}` };
}

/**
 * For one stream (`source.stream`), the key paths every mapping of it joins each side-load by:
 * what the fetch looks up in each record to stage the side-loaded records it refers to.
 */
export function sideloadKeyPaths(config: { readonly entities: Readonly<Record<string, EntityMappings>> }, ref: string): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const [name, entity] of Object.entries(config.entities)) {
    for (const m of fieldMappingsOf(name, entity)) {
      if (m.ref !== ref) continue;
      for (const p of mappingPaths(m.mapping)) {
        const parsed = parseSideloadPath(p);
        if (parsed === undefined || typeof parsed === 'string') continue;
        // A child mapping's key path is relative to each element: from the record, it is under `each`.
        const keyPath = m.each === undefined ? parsed.keyPath : `${m.each.trim()}${parsed.keyPath.replace(/^\$/, '')}`;
        (out[parsed.name] ??= new Set()).add(keyPath);
      }
    }
  }
  return Object.fromEntries(Object.entries(out).map(([name, paths]) => [name, [...paths]]));
}
