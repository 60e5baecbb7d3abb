/** One column of a table: the row key to read, its heading and alignment. */
export interface TableColumn {
  /** Property of the row to show. */
  readonly key: string;
  /** Heading; default: the key upper-cased. */
  readonly title?: string;
  /** Numbers read best right-aligned; default: right for numbers, left for the rest. */
  readonly align?: 'left' | 'right';
  /** Longest cell in characters before it is cut with `…`; default: no limit. */
  readonly maxWidth?: number;
}

/**
 * Formats rows as an aligned plain-text table (no colours, so it pipes cleanly). Missing values
 * show as `-`, dates as ISO 8601, objects as compact JSON.
 *
 * ```ts
 * console.log(formatTable([{ source: 'crm', records: 120 }, { source: 'billing', records: 7 }], ['source', 'records']));
 * // SOURCE   RECORDS
 * // crm          120
 * // billing        7
 * ```
 */
export function formatTable(rows: readonly object[], columns: ReadonlyArray<string | TableColumn>): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { key: c } : c));
  const raw = rows.map((r) => cols.map((c) => (r as Record<string, unknown>)[c.key]));
  const cells = raw.map((values) => values.map((v, i) => clip(formatCell(v), cols[i]!.maxWidth)));
  const titles = cols.map((c) => c.title ?? c.key.toUpperCase());
  const widths = cols.map((_, i) => Math.max(titles[i]!.length, ...cells.map((row) => row[i]!.length)));
  const right = cols.map((c, i) => c.align === 'right' || (c.align === undefined && raw.length > 0 && raw.every((r) => r[i] == null || typeof r[i] === 'number')));
  const line = (values: readonly string[]) => values.map((v, i) => (right[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(titles), ...cells.map(line)].join('\n');
}

/** The text of one cell. */
export function formatCell(value: unknown): string {
  if (value === undefined || value === null || value === '') return '-';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\s*\n\s*/g, ' ');
}

function clip(text: string, max: number | undefined): string {
  return max !== undefined && text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}
