import { HttpError, hasNul } from './http-error.js';

const INT8_MAX = 9223372036854775807n;
import type { QueryableColumn } from './entity-fields.js';

/** What a value must look like for each field type, for 400 messages. */
const EXPECTED: Record<QueryableColumn['type'], string> = {
  string: 'text',
  integer: 'an integer',
  decimal: 'a decimal number',
  boolean: 'true or false',
  timestamp: 'an ISO 8601 timestamp',
  date: 'a date YYYY-MM-DD',
  json: 'JSON',
};

/**
 * Parses a client's text into a value for a column of `column.type` (scalar element type for
 * arrays), or throws a 400 naming the field and the expected type. Integers and decimals stay
 * strings, so large values keep every digit; the SQL casts them.
 */
export function parseFieldValue(column: QueryableColumn, text: string, what = 'filter'): string | boolean | Date | null {
  const bad = () => new HttpError(400, `${what} on "${column.name}": "${truncate(text)}" is not ${EXPECTED[column.type]}`);
  if (hasNul(text)) throw new HttpError(400, `${what} on "${column.name}": the value holds U+0000, which no value can contain`);
  switch (column.type) {
    case 'string':
      return text;
    case 'integer':
      // Postgres bigint: 19 digits may still be out of range.
      if (!/^-?\d{1,19}$/.test(text) || BigInt(text) > INT8_MAX || BigInt(text) < -INT8_MAX - 1n) throw bad();
      return text;
    case 'decimal':
      if (!/^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw bad();
      return text;
    case 'boolean':
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw bad();
    case 'timestamp': {
      const d = new Date(text);
      if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(d.getTime()) || !isCalendarDate(text.slice(0, 10))) throw bad();
      return d;
    }
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || !isCalendarDate(text)) throw bad();
      return text;
    case 'json':
      try {
        JSON.parse(text);
      } catch {
        throw bad();
      }
      // jsonb cannot hold the escaped form either.
      if (/\\u0000/i.test(text)) throw new HttpError(400, `${what} on "${column.name}": the value holds \\u0000, which jsonb cannot contain`);
      return text;
  }
}

/** The expected-type phrase of a field type (for docs and messages). */
export function expectedType(type: QueryableColumn['type']): string {
  return EXPECTED[type];
}

/** `YYYY-MM-DD` names a day that exists: 2026-02-31 rolls over in JavaScript and fails in Postgres. */
function isCalendarDate(text: string): boolean {
  const d = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(d) && new Date(d).toISOString().slice(0, 10) === text;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
