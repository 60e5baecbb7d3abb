import { type RawBuilder, sql } from 'kysely';
import type { QueryableColumn } from './entity-fields.js';
import { HttpError, hasNul } from './http-error.js';
import { parseFieldValue } from './parse-value.js';

/** Filter operators, PostgREST style: `?field=op.value`. */
export const FILTER_OPS = ['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'ilike', 'is', 'cs'] as const;

/** A filter operator. */
export type FilterOp = (typeof FILTER_OPS)[number];

/** One parsed filter: column, operator and the raw text after `op.`. */
export interface EntityFilter {
  readonly column: QueryableColumn;
  readonly op: FilterOp;
  readonly value: string;
}

/**
 * Parses `field=op.value` filters (PostgREST style) from query parameters:
 *
 * | form | meaning |
 * |---|---|
 * | `email=eq.ada@example.com` | equal (`ne`, `lt`, `lte`, `gt`, `gte` alike) |
 * | `plan=in.(pro,"team, annual")` | one of (quote values holding commas) |
 * | `name=like.Ad*` / `name=ilike.*lovelace` | pattern, `*` is any text (strings only) |
 * | `phone=is.null` / `phone=is.not_null` | missing or present (`is.true`/`is.false` for booleans) |
 * | `tags=cs.vip` | an array field contains the value |
 *
 * A field may be filtered several times (`age=gte.18&age=lt.65`, all must hold). Values are
 * parsed by the field's type; a bad one is a 400 naming the field and the expected type.
 */
export function parseFilters(params: ReadonlyArray<readonly [string, string]>, columns: ReadonlyMap<string, QueryableColumn>): EntityFilter[] {
  const out: EntityFilter[] = [];
  for (const [name, text] of params) {
    const column = columns.get(name);
    if (!column) throw new HttpError(400, `unknown field "${name}"; filterable: ${[...columns.keys()].join(', ')}`);
    const dot = text.indexOf('.');
    const op = (dot < 0 ? text : text.slice(0, dot)) as FilterOp;
    if (dot < 0 || !FILTER_OPS.includes(op)) throw new HttpError(400, `filter on "${name}" must look like ${name}=<op>.<value>; ops: ${FILTER_OPS.join(', ')}`);
    out.push(checked({ column, op, value: text.slice(dot + 1) }));
  }
  return out;
}

/** The SQL condition of a filter; values are bound parameters, never spliced. */
export function filterSql(f: EntityFilter): RawBuilder<unknown> {
  const col = sql.ref(f.column.name);
  const scalarType = f.column.sqlType.replace(/\[\]$/, '');
  const cast = (v: string | boolean | Date | null) => sql`cast(${v} as ${sql.raw(scalarType)})`;
  switch (f.op) {
    case 'is':
      if (f.value === 'null') return sql`${col} is null`;
      if (f.value === 'not_null') return sql`${col} is not null`;
      return sql`${col} is ${f.value === 'true' ? sql`true` : sql`false`}`;
    case 'in':
      return sql`${col} in (${sql.join(splitList(f.value).map((v) => cast(parseFieldValue(f.column, v))))})`;
    case 'like':
    case 'ilike':
      return sql`${col} ${sql.raw(f.op)} ${likePattern(f.value)}`;
    case 'cs':
      return sql`${col} @> array[${cast(parseFieldValue(f.column, f.value))}]`;
    default: {
      const op = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' }[f.op];
      const v = f.column.type === 'json' ? sql`cast(${f.value} as jsonb)` : cast(parseFieldValue(f.column, f.value));
      // `ne` keeps rows where the field is missing: "not this value" includes "no value".
      return f.op === 'ne' ? sql`${col} is distinct from ${v}` : sql`${col} ${sql.raw(op)} ${v}`;
    }
  }
}

/** Checks the operator fits the field's type and the value parses, so errors are 400s up front. */
function checked(f: EntityFilter): EntityFilter {
  const { column, op, value } = f;
  const name = column.name;
  if (op === 'is') {
    const ok = value === 'null' || value === 'not_null' || (column.type === 'boolean' && !column.array && (value === 'true' || value === 'false'));
    if (!ok) throw new HttpError(400, `filter on "${name}": is takes null or not_null${column.type === 'boolean' ? ', true or false' : ''}`);
    return f;
  }
  if (column.array && op !== 'cs') throw new HttpError(400, `"${name}" is a list: filter it with cs.<value> (contains) or is.null`);
  if (op === 'cs' && !column.array) throw new HttpError(400, `cs (contains) applies to list fields; "${name}" is not one`);
  if ((op === 'like' || op === 'ilike') && column.type !== 'string') throw new HttpError(400, `${op} applies to text fields; "${name}" is ${column.type}`);
  if (column.type === 'json' && op !== 'eq' && op !== 'ne') throw new HttpError(400, `"${name}" is JSON: filter it with eq, ne or is`);
  if (column.type === 'boolean' && !['eq', 'ne', 'in'].includes(op)) throw new HttpError(400, `"${name}" is boolean: filter it with eq, ne, in or is`);
  if (op === 'in') {
    if (value.startsWith('(') !== value.endsWith(')') || (value.startsWith('(') && value.length < 2)) throw new HttpError(400, `filter on "${name}": in takes a list in parentheses, e.g. in.(a,b)`);
    const items = splitList(value);
    if (items.length === 0 || items.length > 1000) throw new HttpError(400, `filter on "${name}": in takes 1 to 1000 values, e.g. in.(a,b)`);
    items.forEach((v) => parseFieldValue(column, v));
  } else if (op === 'cs' && value === '') {
    throw new HttpError(400, `filter on "${name}": cs takes a value, e.g. cs.vip`);
  } else if (op !== 'like' && op !== 'ilike') {
    parseFieldValue(column, value);
  } else if (hasNul(value)) {
    throw new HttpError(400, `filter on "${name}": the value holds U+0000, which no value can contain`);
  }
  return f;
}

/** `(a,"b,c",d)` → `['a', 'b,c', 'd']`; the parentheses are optional. */
export function splitList(text: string): string[] {
  const inner = text.startsWith('(') && text.endsWith(')') ? text.slice(1, -1) : text;
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|([^,]*))\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < inner.length && (m = re.exec(inner)) !== null) {
    out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!.trim());
    if (m[0] === '') break;
  }
  return out;
}

/** `*` is any text; `%` and `_` typed by the client are matched literally. */
function likePattern(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}
