import { Hono } from 'hono';
import { type Kysely, sql } from 'kysely';
import { accessLimits } from '../config/access-config.js';
import type { TributaryConfig } from '../config/tributary-config.js';
import type { Logger } from '../observability/logger.js';
import type { Database } from '../store/database-schema.js';
import type { PageLimits } from './entity-params.js';
import { entityRoutes } from './entity-routes.js';
import { explorerRoutes } from './explorer/explorer-routes.js';
import { buildGraphqlSchema } from './graphql/build-schema.js';
import { graphqlRoute } from './graphql/graphql-route.js';
import { HttpError, hasNul, inputErrorOf } from './http-error.js';
import { openApiDocument } from './openapi-document.js';
import { type SystemRouteOptions, systemRoutes, temporalRunLink } from './system-routes.js';
import { type AuthVariables, createTokenChecker, resolveTokens, tokenAuth } from './token-auth.js';

/** What the access API needs. */
export interface AccessAppDeps extends SystemRouteOptions {
  readonly db: Kysely<Database>;
  readonly config: TributaryConfig;
  readonly log?: Logger | undefined;
  /** Tokens resolved up front (see `resolveTokens`); otherwise they resolve at the first request. */
  readonly tokens?: Awaited<ReturnType<typeof resolveTokens>> | undefined;
}

/**
 * The read API over the consolidated data, and the web explorer over it:
 * - `/`, `/entities/...`, `/sources`, `/quarantine` — the explorer's HTML pages (see `explorerRoutes`);
 * - `/v1/entities/<entity>[/<key>[/provenance|/sources]]` — REST (see `entityRoutes`);
 * - `/graphql` — the same entities as GraphQL (see `buildGraphqlSchema`);
 * - `/openapi.json` — the OpenAPI 3.1 document of all of it;
 * - `/v1/runs`, `/v1/sources`, `/metrics` — runs, freshness, Prometheus (see `systemRoutes`);
 * - `/healthz` (liveness) and `/readyz` (database reachable), open to probes.
 *
 * Everything but the probes needs a bearer token with the right scope when `access` is
 * configured (see `tokenAuth`). Errors answer `{ "error": "..." }` with a 4xx/5xx status.
 */
export function createAccessApp(deps: AccessAppDeps): Hono<{ Variables: AuthVariables }> {
  const { db, config, log, metrics } = deps;
  const access = config.access;
  const { maxQueryDepth, maxQueryFields, ...limits }: PageLimits & { maxQueryDepth: number; maxQueryFields: number } = accessLimits(access);
  const app = new Hono<{ Variables: AuthVariables }>();
  const checker = createTokenChecker(access, deps.tokens);

  app.onError((err, c) => {
    const input = inputErrorOf(err);
    if (input) return c.json({ error: input.message }, input.status);
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json({ error: err.message }, err.status);
    }
    log?.error({ err, path: c.req.path }, 'access API request failed');
    return c.json({ error: 'internal error' }, 500);
  });
  app.notFound((c) => c.json({ error: `no route ${c.req.method} ${c.req.path}; see /openapi.json` }, 404));

  app.use('*', async (c, next) => {
    const started = performance.now();
    await next();
    // The route pattern, not the path: keys and run ids must not explode label cardinality.
    const route = c.req.routePath === '/*' || !c.req.routePath ? 'unmatched' : c.req.routePath;
    metrics?.apiRequests.inc({ route, method: c.req.method, status: String(c.res.status) });
    metrics?.apiDuration.observe({ route, method: c.req.method }, (performance.now() - started) / 1000);
    log?.debug({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started), caller: c.get('caller')?.name }, 'request');
  });

  // U+0000 fits no Postgres text value: refused before it reaches a filter, key or run id.
  app.use('*', async (c, next) => {
    if (/%00/i.test(c.req.url) || hasNul(c.req.url)) throw new HttpError(400, 'the request URL holds U+0000 (%00), which no value can contain');
    await next();
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await sql`select 1`.execute(db);
      return c.json({ status: 'ready' });
    } catch {
      throw new HttpError(503, 'database unreachable');
    }
  });

  // The explorer signs browsers in itself (a token in a cookie) and answers HTML, so it sits
  // before the API's bearer check; its pages check the same tokens and scopes.
  app.route('/', explorerRoutes({ db, config, limits, checker, runLink: temporalRunLink(config, deps), log }));
  app.use('*', tokenAuth(checker));
  const document = openApiDocument(config, limits, { authRequired: !!access && access.auth !== 'none' });
  app.get('/openapi.json', (c) => c.json(document));
  app.route('/graphql', graphqlRoute(buildGraphqlSchema(config, limits), db, { maxQueryDepth, maxQueryFields }));
  app.route('/', systemRoutes(db, config, deps));
  app.route('/v1/entities', entityRoutes(db, config, limits));
  return app;
}
