import { Hono } from 'hono';
import { type Kysely, sql } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import { ENTITY_SCHEMA, entityTableName } from '../merge/entity-table.js';
import type { Database } from '../store/database-schema.js';
import { HttpError } from './http-error.js';
import { decodeCursor, encodeCursor } from './page-cursor.js';

const MAX_LIMIT = 500;

/**
 * Read routes for every entity in config:
 * - `GET /entities/:entity?limit&cursor&updated_since`: rows in a stable (last changed, key)
 *   order with keyset pagination, so incremental consumers never miss or repeat a row;
 * - `GET /entities/:entity/:key`: one row with its per-field provenance.
 */
export function entityRoutes(db: Kysely<Database>, config: TributaryConfig): Hono {
  const app = new Hono();

  app.get('/:entity', async (c) => {
    const [name, entity] = lookup(config, c.req.param('entity'));
    const limit = parseLimit(c.req.query('limit'));
    const cursor = c.req.query('cursor');
    const since = c.req.query('updated_since');
    if (since !== undefined && Number.isNaN(Date.parse(since))) throw new HttpError(400, 'updated_since must be an ISO 8601 timestamp');
    const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
    const conditions = [sql`_deleted_at is null`];
    if (since !== undefined) conditions.push(sql`_last_changed >= ${new Date(since)}`);
    if (cursor !== undefined) {
      const p = decodeCursor(cursor);
      conditions.push(sql`(_last_changed, _key) > (${new Date(p.changed)}, ${p.key})`);
    }
    const columns = sql.join(['_key', ...Object.keys(entity.fields), '_sources', '_first_seen', '_last_changed'].map((col) => sql.id(col)));
    const rows = await tableQuery(db, sql`select ${columns} from ${table} where ${sql.join(conditions, sql` and `)} order by _last_changed, _key limit ${limit + 1}`);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const next = rows.length > limit && last ? encodeCursor({ changed: (last._last_changed as Date).toISOString(), key: last._key as string }) : null;
    return c.json({ data: page, next_cursor: next });
  });

  app.get('/:entity/:key', async (c) => {
    const [name, entity] = lookup(config, c.req.param('entity'));
    const table = sql.id(ENTITY_SCHEMA, entityTableName(name, entity));
    const rows = await tableQuery(db, sql`select * from ${table} where _key = ${c.req.param('key')}`);
    if (!rows[0]) throw new HttpError(404, `no ${name} with key ${c.req.param('key')}`);
    return c.json(rows[0]);
  });

  return app;
}

function lookup(config: TributaryConfig, name: string) {
  const entity = config.entities[name];
  if (!entity) throw new HttpError(404, `unknown entity "${name}"; valid: ${Object.keys(config.entities).join(', ')}`);
  return [name, entity] as const;
}

function parseLimit(text: string | undefined): number {
  if (text === undefined) return 50;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new HttpError(400, `limit must be an integer from 1 to ${MAX_LIMIT}`);
  return n;
}

/** Runs a query on an entity table; a table not created yet (no merge ran) reads as empty. */
async function tableQuery(db: Kysely<Database>, query: ReturnType<typeof sql>): Promise<Record<string, unknown>[]> {
  try {
    return (await query.execute(db)).rows as Record<string, unknown>[];
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') return [];
    throw err;
  }
}
