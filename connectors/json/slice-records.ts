/**
 * The exact text of each record of a JSON body, as the upstream sent it, sliced from `text` by a
 * scanner that skips strings with `indexOf` and never builds values. The records are what
 * `selectRecords` takes at `path`: without a wildcard, the elements of the array there (or the
 * one object there); with array wildcards (`$.edges[*].node`), each value the path reaches, in
 * order. `path` takes keys (`.a`, `['a b']`), array indexes (`[0]`, `[-1]`) and `[*]` over
 * arrays; anything else (a wildcard over an object's members), or text the scanner cannot
 * follow, is not sliced (undefined). Duplicate keys resolve to the last one, as `JSON.parse` does.
 *
 * ```ts
 * sliceRecords('{"data": [ {"id": 1780000018563990152}, {"id":2} ]}', '$.data') // ['{"id": 1780000018563990152}', '{"id":2}']
 * sliceRecords('{"edges": [{"node": {"id": 1}}, {"node": null}]}', '$.edges[*].node') // ['{"id": 1}', 'null']
 * ```
 */
export function sliceRecords(text: string, path: string): string[] | undefined {
  const segments = parseSegments(path);
  if (!segments) return undefined;
  try {
    const found: number[] = [];
    if (!locate(text, skipWhitespace(text, 0), segments, 0, found)) return undefined;
    if (segments.includes(WILDCARD)) return found.map((at) => text.slice(at, skipValue(text, at)));
    const at = found[0]!;
    if (text.charCodeAt(at) === OPEN_BRACKET) return elements(text, at);
    return [text.slice(at, skipValue(text, at))];
  } catch {
    return undefined;
  }
}

const WILDCARD: unique symbol = Symbol('[*]');

type Segment = string | number | typeof WILDCARD;

/**
 * Adds to `found` where each value `segments[k..]` reaches from `at` starts, in document order.
 * False when a wildcard meets an object (whose member order JavaScript may change).
 */
function locate(t: string, at: number, segments: readonly Segment[], k: number, found: number[]): boolean {
  if (k === segments.length) {
    found.push(at);
    return true;
  }
  const segment = segments[k]!;
  if (segment === WILDCARD) {
    if (t.charCodeAt(at) !== OPEN_BRACKET) return t.charCodeAt(at) !== OPEN_BRACE;
    for (const [start] of elementStarts(t, at)) if (!locate(t, start, segments, k + 1, found)) return false;
    return true;
  }
  const next = typeof segment === 'string' ? memberAt(t, at, segment) : elementAt(t, at, segment);
  return next === undefined || locate(t, next, segments, k + 1, found);
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COMMA = 44;
const COLON = 58;

/** `$.a['b c'][0][*]` → `['a', 'b c', 0, '*']`; undefined for `.*` or anything else. */
function parseSegments(path: string): Segment[] | undefined {
  let rest = path.trim();
  if (rest.startsWith('$')) rest = rest.slice(1);
  else rest = `.${rest}`;
  const out: Segment[] = [];
  const pattern = /^(?:\.([A-Za-z_$][\w$-]*)|\[(-?\d+)\]|\['([^']*)'\]|\["([^"]*)"\]|(\[\*\]))/;
  while (rest.length > 0) {
    const m = pattern.exec(rest);
    if (!m) return undefined;
    out.push(m[5] !== undefined ? WILDCARD : m[2] !== undefined ? Number(m[2]) : (m[1] ?? m[3] ?? m[4])!);
    rest = rest.slice(m[0].length);
  }
  return out;
}

function skipWhitespace(t: string, i: number): number {
  for (;;) {
    const c = t.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

/** The index after the string starting at `i` (a quote). */
function skipString(t: string, i: number): number {
  for (let from = i + 1; ; ) {
    const q = t.indexOf('"', from);
    if (q < 0) throw new SyntaxError('unterminated string');
    let backslashes = 0;
    while (t.charCodeAt(q - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** The index after the value starting at `i`. */
function skipValue(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === QUOTE) return skipString(t, i);
  if (c === OPEN_BRACE || c === OPEN_BRACKET) {
    let depth = 0;
    for (const n = t.length; i < n; i++) {
      const ch = t.charCodeAt(i);
      if (ch === QUOTE) {
        // Past the string; the loop's increment is undone.
        i = skipString(t, i) - 1;
      } else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) {
        depth++;
      } else if ((ch === CLOSE_BRACE || ch === CLOSE_BRACKET) && --depth === 0) {
        return i + 1;
      }
    }
    throw new SyntaxError('unterminated value');
  }
  // A number, true, false or null: up to the next delimiter.
  let j = i;
  for (;;) {
    const ch = t.charCodeAt(j);
    if (Number.isNaN(ch) || ch === COMMA || ch === CLOSE_BRACE || ch === CLOSE_BRACKET || ch === 32 || ch === 10 || ch === 13 || ch === 9) break;
    j++;
  }
  if (j === i) throw new SyntaxError('empty value');
  return j;
}

/** Where the value of member `key` of the object at `i` starts (the last one, as JSON.parse keeps). */
function memberAt(t: string, i: number, key: string): number | undefined {
  if (t.charCodeAt(i) !== OPEN_BRACE) return undefined;
  let found: number | undefined;
  i = skipWhitespace(t, i + 1);
  if (t.charCodeAt(i) === CLOSE_BRACE) return undefined;
  for (;;) {
    const end = skipString(t, i);
    const raw = t.slice(i + 1, end - 1);
    const name = raw.includes('\\') ? (JSON.parse(t.slice(i, end)) as string) : raw;
    i = skipWhitespace(t, end);
    if (t.charCodeAt(i) !== COLON) throw new SyntaxError('expected a colon');
    const start = skipWhitespace(t, i + 1);
    if (name === key) found = start;
    i = skipWhitespace(t, skipValue(t, start));
    const c = t.charCodeAt(i);
    if (c === CLOSE_BRACE) return found;
    if (c !== COMMA) throw new SyntaxError('expected a comma');
    i = skipWhitespace(t, i + 1);
  }
}

/** Where element `index` of the array at `i` starts (negative: from the end). */
function elementAt(t: string, i: number, index: number): number | undefined {
  if (t.charCodeAt(i) !== OPEN_BRACKET) return undefined;
  const starts = elementStarts(t, i);
  return starts.at(index)?.[0];
}

/** The texts of the elements of the array at `i`. */
function elements(t: string, i: number): string[] {
  return elementStarts(t, i).map(([start, end]) => t.slice(start, end));
}

function elementStarts(t: string, i: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  i = skipWhitespace(t, i + 1);
  if (t.charCodeAt(i) === CLOSE_BRACKET) return out;
  for (;;) {
    const end = skipValue(t, i);
    out.push([i, end]);
    i = skipWhitespace(t, end);
    const c = t.charCodeAt(i);
    if (c === CLOSE_BRACKET) return out;
    if (c !== COMMA) throw new SyntaxError('expected a comma');
    i = skipWhitespace(t, i + 1);
  }
}
