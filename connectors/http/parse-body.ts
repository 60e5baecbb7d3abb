import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { BodyFormat } from '../../config/sources/rest-source-config.js';
import { parseJsonExact } from '../../core/exact-json.js';

/** A body format. */
export type { BodyFormat };

/** How XML and CSV bodies become records. */
export interface BodyOptions {
  /** XML element names always read as lists, even when one element is present. */
  readonly xmlArrays?: readonly string[];
  /** CSV field delimiter (default `,`). */
  readonly csvDelimiter?: string;
  /** CSV column names, for a body without a header row. */
  readonly csvColumns?: readonly string[];
}

/** The `Accept` header asking for a format. */
export function acceptHeader(format: BodyFormat | undefined): string {
  if (format === 'xml') return 'application/xml, text/xml;q=0.9';
  if (format === 'csv') return 'text/csv, text/plain;q=0.5';
  return 'application/json';
}

/**
 * The format a response is in: the configured one, else what the `Content-Type` says (JSON when
 * it says nothing). Undefined when the content type names none of them.
 */
export function formatOf(contentType: string, configured: BodyFormat | undefined): BodyFormat | undefined {
  if (configured) return configured;
  if (contentType === '' || /json/i.test(contentType)) return 'json';
  if (/xml/i.test(contentType)) return 'xml';
  if (/csv|tab-separated-values/i.test(contentType)) return 'csv';
  return undefined;
}

/**
 * Parses a body without changing a value: JSON without losing a digit (`parseJsonExact`); XML
 * into objects whose element and attribute values stay the text as sent (attributes as `@name`,
 * an element's own text beside attributes as `#text`); CSV into one object per row, keyed by the
 * header row (or `csvColumns`), every value the cell's text. Throws on a malformed body.
 */
export function parseBody(text: string, format: BodyFormat, options: BodyOptions = {}): unknown {
  if (format === 'json') return parseJsonExact(text);
  if (format === 'xml') {
    const valid = XMLValidator.validate(text);
    if (valid !== true) throw new SyntaxError(`malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
    const arrays = new Set(options.xmlArrays ?? []);
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      textNodeName: '#text',
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: true,
      ignoreDeclaration: true,
      ignorePiTags: true,
      processEntities: true,
      isArray: (name) => arrays.has(name),
    });
    return parser.parse(text);
  }
  return parseCsv(text, {
    columns: options.csvColumns ? [...options.csvColumns] : true,
    delimiter: options.csvDelimiter ?? ',',
    bom: true,
    skip_empty_lines: true,
    relax_quotes: false,
  }) as unknown;
}
