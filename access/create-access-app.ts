import { Hono } from 'hono';
import { type Kysely, sql } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import type { Database } from '../store/database-schema.js';
import { listRuns } from '../store/run-store.js';
import { entityRoutes } from './entity-routes.js';
import { HttpError } from './http-error.js';

/**
 * The read API over the consolidated data:
 * `/v1/entities/...` (see `entityRoutes`), `/v1/runs` (recent runs and their summaries),
 * `/healthz` (liveness) and `/readyz` (database reachable).
 */
export function createAccessApp(deps: { db: Kysely<Database>; config: TributaryConfig }): Hono {
  const app = new Hono();
  app.onError((err, c) => {
    if (err instanceof HttpError) return c.json({ error: err.message }, err.status);
    return c.json({ error: 'internal error' }, 500);
  });
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}` }, 404));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await sql`select 1`.execute(deps.db);
      return c.json({ status: 'ready' });
    } catch {
      throw new HttpError(503, 'database unreachable');
    }
  });
  app.get('/v1/runs', async (c) => {
    const limit = Math.min(Number(c.req.query('limit') ?? 20) || 20, 200);
    const pipeline = c.req.query('pipeline');
    return c.json({ data: await listRuns(deps.db, { limit, ...(pipeline ? { pipeline } : {}) }) });
  });
  app.route('/v1/entities', entityRoutes(deps.db, deps.config));
  return app;
}
