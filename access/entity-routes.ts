import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import type { Database } from '../store/database-schema.js';
import { type PageLimits, parseListParams } from './entity-params.js';
import { getEntityRow, listEntityPage } from './entity-query.js';
import { HttpError } from './http-error.js';
import { fieldProvenance, sourceRecords } from './lineage-query.js';
import { type AuthVariables, requireScope } from './token-auth.js';

/**
 * Read routes for every entity in config (each needs the `<entity>:read` scope):
 * - `GET /:entity` — a page of rows: filters `?field=op.value`, `order`, `select`, `limit`,
 *   `cursor`, `updated_since` (see `parseListParams`); answers `{ data, next_cursor }`;
 * - `GET /:entity/:key` — one row with `_provenance`; a key merged into another redirects (308);
 * - `GET /:entity/:key/provenance` — per field: value, source, stream, record key, time;
 * - `GET /:entity/:key/sources` — the contributing source records with their latest raw payload.
 */
export function entityRoutes(db: Kysely<Database>, config: TributaryConfig, limits: PageLimits): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const lookup = (name: string, caller: AuthVariables['caller']) => {
    const entity = config.entities[name];
    if (!entity) throw new HttpError(404, `unknown entity "${name}"; valid: ${Object.keys(config.entities).join(', ')}`);
    requireScope(caller, `${name}:read`);
    return entity;
  };
  const found = async (name: string, key: string, caller: AuthVariables['caller']) => {
    const entity = lookup(name, caller);
    const row = await getEntityRow(db, name, entity, key);
    if (!row || (row._deleted_at !== null && row._merged_into == null)) throw new HttpError(404, `no ${name} with key ${key}`);
    return { entity, row };
  };

  app.get('/:entity', async (c) => {
    const name = c.req.param('entity');
    const entity = lookup(name, c.get('caller'));
    const params = [...new URL(c.req.url).searchParams.entries()];
    const page = await listEntityPage(db, name, entity, parseListParams(entity, params, limits));
    return c.json({ data: page.rows, next_cursor: page.nextCursor });
  });

  app.get('/:entity/:key', async (c) => {
    const { row } = await found(c.req.param('entity'), c.req.param('key'), c.get('caller'));
    if (row._deleted_at !== null && typeof row._merged_into === 'string') {
      return c.redirect(`${c.req.path.replace(/\/[^/]*$/, '')}/${encodeURIComponent(row._merged_into)}`, 308);
    }
    const { _hash, _deleted_by, _merged_into, ...visible } = row;
    return c.json(visible);
  });

  app.get('/:entity/:key/provenance', async (c) => {
    const name = c.req.param('entity');
    const { entity, row } = await found(name, c.req.param('key'), c.get('caller'));
    return c.json({ entity: name, key: row._key, last_changed: row._last_changed, fields: fieldProvenance(entity, row) });
  });

  app.get('/:entity/:key/sources', async (c) => {
    const name = c.req.param('entity');
    const { row } = await found(name, c.req.param('key'), c.get('caller'));
    return c.json({ entity: name, key: row._key, data: await sourceRecords(db, name, row._key as string) });
  });

  return app;
}
