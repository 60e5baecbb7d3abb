import { HttpError } from './http-error.js';
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
  switch (column.type) {
    case 'string':
      return text;
    case 'integer':
      if (!/^-?\d{1,19}$/.test(text)) throw bad();
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
      if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(d.getTime())) throw bad();
      return d;
    }
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) throw bad();
      return text;
    case 'json':
      try {
        JSON.parse(text);
      } catch {
        throw bad();
      }
      return text;
  }
}

/** The expected-type phrase of a field type (for docs and messages). */
export function expectedType(type: QueryableColumn['type']): string {
  return EXPECTED[type];
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
