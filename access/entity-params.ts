import type { EntityConfig } from '../config/entities/entity-config.js';
import { defaultSelection, queryableColumns } from './entity-fields.js';
import { parseFilters } from './entity-filter.js';
import type { EntityListQuery, SortKey } from './entity-query.js';
import { HttpError } from './http-error.js';

/** Query parameters with a meaning of their own; every other parameter is a field filter. */
export const RESERVED_PARAMS = ['limit', 'cursor', 'order', 'select', 'updated_since'] as const;

/** Page size limits. */
export interface PageLimits {
  readonly maxPageSize: number;
  readonly defaultPageSize: number;
}

/**
 * Turns REST query parameters into a validated list query:
 * `?select=email,name&order=plan.desc,email&limit=100&cursor=...&updated_since=2024-05-01T00:00:00Z&plan=eq.pro`.
 * Every problem is a 400 that names the parameter and what is allowed.
 */
export function parseListParams(entity: EntityConfig, params: ReadonlyArray<readonly [string, string]>, limits: PageLimits): EntityListQuery {
  const columns = queryableColumns(entity);
  const single = (name: string) => {
    const all = params.filter(([k]) => k === name);
    if (all.length > 1) throw new HttpError(400, `give ${name} once`);
    return all[0]?.[1];
  };
  const limitText = single('limit');
  const limit = limitText === undefined ? limits.defaultPageSize : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > limits.maxPageSize) throw new HttpError(400, `limit must be an integer from 1 to ${limits.maxPageSize}`);
  const since = single('updated_since');
  if (since !== undefined && (!/^\d{4}-\d{2}-\d{2}/.test(since) || Number.isNaN(Date.parse(since)))) throw new HttpError(400, 'updated_since must be an ISO 8601 timestamp, e.g. 2024-05-01T00:00:00Z');
  const selectText = single('select');
  const select = selectText === undefined ? defaultSelection(entity) : selectText.split(',').map((s) => s.trim()).filter(Boolean);
  const selectable = [...columns.keys(), '_provenance'];
  for (const s of select) if (!selectable.includes(s)) throw new HttpError(400, `select: unknown field "${s}"; valid: ${selectable.join(', ')}`);
  if (select.length === 0) throw new HttpError(400, 'select needs at least one field');
  const orderText = single('order');
  const filters = parseFilters(params.filter(([k]) => !(RESERVED_PARAMS as readonly string[]).includes(k)), columns);
  const cursor = single('cursor');
  return { select, filters, order: parseOrder(orderText, columns), limit, ...(since ? { updatedSince: new Date(since) } : {}), ...(cursor !== undefined ? { after: cursor } : {}) };
}

/** `plan.desc,email` → sort keys; default `_last_changed` ascending. Lists and JSON cannot sort. */
export function parseOrder(text: string | undefined, columns: ReturnType<typeof queryableColumns>): SortKey[] {
  if (text === undefined || text.trim() === '') return [{ column: columns.get('_last_changed')!, desc: false }];
  const keys = text.split(',').map((part) => {
    const [name = '', dir = 'asc', ...rest] = part.trim().split('.');
    const column = columns.get(name);
    if (!column) throw new HttpError(400, `order: unknown field "${name}"; valid: ${[...columns.values()].filter((c) => !c.array && c.type !== 'json').map((c) => c.name).join(', ')}`);
    if (column.array || column.type === 'json') throw new HttpError(400, `order: "${name}" is a ${column.array ? 'list' : 'JSON'} field and cannot be sorted`);
    if (name === '_key' && dir === 'desc') throw new HttpError(400, 'order: _key always sorts ascending as the final tie-breaker');
    if ((dir !== 'asc' && dir !== 'desc') || rest.length > 0) throw new HttpError(400, `order: "${part.trim()}" must be field, field.asc or field.desc`);
    return { column, desc: dir === 'desc' };
  });
  if (new Set(keys.map((k) => k.column.name)).size !== keys.length) throw new HttpError(400, 'order: name each field once');
  if (keys.length > 5) throw new HttpError(400, 'order: at most 5 fields');
  return keys;
}
