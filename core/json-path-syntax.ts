import parseRfc9535, { type JsonPathQuery } from 'jsonpath-rfc9535/parser';

/** A segment of a query (child `.a`, `[...]`, or descendant `..a`). */
export type Segment = JsonPathQuery['segments'][number];
/** What a segment selects: a name, a wildcard or a bracketed list of selectors. */
export type Selection = Segment['node'];
/** A bracketed list of selectors, `[0, 'a', 1:3, ?@.x]`. */
export type Bracketed = Extract<Selection, { type: 'BracketedSelection' }>;
/** One selector in brackets. */
export type Selector = Bracketed['selectors'][number];
/** A filter selector's logical expression. */
export type Filter = Extract<Selector, { type: 'FilterSelector' }>['value'];
/** A comparison, `@.a == 1`. */
export type Comparison = Extract<Filter, { type: 'ComparisonExpr' }>;
/** One side of a comparison: a literal, a singular query or a function. */
export type Comparable = Comparison['left'];
/** A function call, `length(@.a)`. */
export type FunctionExpr = Extract<Comparable, { type: 'FunctionExpr' }>;
/** One argument of a function call. */
export type FunctionArgument = FunctionExpr['arguments'][number];
/** A segment of a singular query: a name or an index. */
export type SingularSegment = Extract<Comparable, { type: 'RelSingularQuery' }>['segments'][number];

/** Thrown for text that is not a JSONPath. */
export class JsonPathSyntaxError extends Error {
  /** Stable error code. */
  readonly code = 'JSONPATH_SYNTAX';
  constructor(path: string, reason: string) {
    super(`invalid JSONPath "${path}": ${reason}`);
    this.name = 'JsonPathSyntaxError';
  }
}

/** Parses a path into the RFC 9535 syntax tree (after the compatibility rewrites), or throws `JsonPathSyntaxError`. */
export function parseJsonPath(text: string): JsonPathQuery {
  const trimmed = text.trim();
  const rfc = trimmed.startsWith('$') ? trimmed : `$.${trimmed}`;
  try {
    return parseRfc9535(rfc);
  } catch (err) {
    const legacy = legacyToRfc(rfc);
    if (legacy !== undefined) return parseRfc9535(legacy);
    throw new JsonPathSyntaxError(text, (err as Error).message.replace(/\s+/g, ' '));
  }
}

/**
 * The earlier subset's spelling of a path RFC 9535 refuses, rewritten: member names with a dash
 * after a dot (`$.first-name` → `$['first-name']`). Undefined when it is not that either.
 */
function legacyToRfc(text: string): string | undefined {
  let rest = text.slice(1);
  let out = '$';
  const pattern = /^(?:\.([A-Za-z_$][\w$-]*)|\[(-?\d+)\]|\[\*\]|\.\*|\['([^']*)'\]|\["([^"]*)"\])/;
  while (rest.length > 0) {
    const m = pattern.exec(rest);
    if (!m) return undefined;
    if (m[1] !== undefined) out += `[${JSON.stringify(m[1]).replace(/^"|"$/g, "'")}]`;
    else out += m[0];
    rest = rest.slice(m[0].length);
  }
  return out;
}
