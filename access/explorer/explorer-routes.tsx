import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Child } from 'hono/jsx';
import type { Kysely } from 'kysely';
import type { TributaryConfig } from '../../config/tributary-config.js';
import { openAlerts } from '../../observability/alerts/alert-state-store.js';
import { loadFreshness } from '../../observability/load-freshness.js';
import type { Logger } from '../../observability/logger.js';
import type { Database } from '../../store/database-schema.js';
import { listRuns } from '../../store/run-store.js';
import { queryableColumns } from '../entity-fields.js';
import { type PageLimits, parseListParams } from '../entity-params.js';
import { countEntityRows, getEntityRow, listEntityPage } from '../entity-query.js';
import { HttpError, inputErrorOf } from '../http-error.js';
import { sourceRecords } from '../lineage-query.js';
import { type Caller, type TokenChecker, allows, bearerToken, requireScope } from '../token-auth.js';
import { EntityListPage, queryString } from './entity-list-page.js';
import { EntityPage } from './entity-page.js';
import { EXPLORER_CSS, EXPLORER_JS } from './explorer-assets.js';
import { childRows, keysMergedInto, quarantineCounts, quarantineOfEntity, quarantineTotals, quarantinedRecords } from './explorer-queries.js';
import { explainFields } from './field-explanation.js';
import { LoginPage, MessagePage } from './login-page.js';
import { OverviewPage } from './overview-page.js';
import { Layout, type PageFrame } from './page-layout.js';
import { QuarantinePage } from './quarantine-page.js';
import type { RunPoint } from './run-chart.js';
import { SourcesPage, streamsOf } from './sources-page.js';

/** The cookie holding the token a browser signed in with (HttpOnly, SameSite=Strict). */
export const TOKEN_COOKIE = 'tributary_token';

/** How long a sign-in lasts. */
const SIGN_IN_SECONDS = 12 * 3600;

/** Quarantined records per page. */
const QUARANTINE_PAGE = 50;

/** Child rows shown under a parent. */
const CHILD_ROWS = 100;

/** What the explorer needs. */
export interface ExplorerDeps {
  readonly db: Kysely<Database>;
  readonly config: TributaryConfig;
  readonly limits: PageLimits;
  readonly checker: TokenChecker;
  /** The Temporal UI link of a run (see `temporalRunLink`). */
  readonly runLink: (runId: string) => string | null;
  readonly log?: Logger | undefined;
}

/** Served with every page: no framing, scripts and styles from this server only. */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

type Render = (c: Context, caller: Caller) => Promise<{ title: string; body: Child; status?: number } | Response>;

/**
 * The web explorer, server-rendered HTML over the same queries as the API:
 * - `/` — overview: every entity with its row count, and the sources' freshness;
 * - `/entities/<entity>` — rows with the API's filters, sort, column choice and keyset paging, and a count;
 * - `/entities/<entity>/<key>` — one entity: each field's winning source and a "why" panel with
 *   every candidate and the strategy, the merged-away keys, child rows, the source records with
 *   their raw payloads, deletion and quarantine state; a merged-away key redirects to its survivor;
 * - `/sources` — the freshness board, open alerts, records per run per source, the runs with
 *   links to the Temporal UI (scope `runs:read`);
 * - `/quarantine` — quarantined records per entity with their reasons and raw payloads;
 * - `/login`, `/logout` — sign in with an access token (kept in an HttpOnly cookie).
 *
 * The same tokens and scopes as the API (`<entity>:read`, `runs:read`); without `access` it
 * is open, like the API (which then binds to 127.0.0.1 only). A request without a valid token
 * gets the sign-in form with status 401 and no data.
 */
export function explorerRoutes(deps: ExplorerDeps): Hono {
  const { db, config, limits, checker, log } = deps;
  const app = new Hono();
  const entityNames = Object.keys(config.entities);

  const callerOf = async (c: Context): Promise<Caller | undefined> => {
    const header = c.req.header('authorization');
    return checker.callerOf(header !== undefined ? bearerToken(header) : getCookie(c, TOKEN_COOKIE));
  };

  const frameOf = (c: Context, caller: Caller, title: string): PageFrame => ({
    title,
    entities: entityNames.filter((e) => allows(caller, `${e}:read`)),
    runs: allows(caller, 'runs:read'),
    path: c.req.path,
    signedIn: !checker.open,
  });

  const respond = async (c: Context, frame: PageFrame, body: Child, status = 200) => {
    const page = await (
      <Layout frame={frame}>{body}</Layout>
    ).toString();
    return c.html(`<!doctype html>${page}`, status as 200, PAGE_HEADERS);
  };

  const page = (render: Render) => async (c: Context) => {
    const caller = await callerOf(c);
    const anonymous: PageFrame = { title: 'Sign in', entities: [], runs: false, path: c.req.path, signedIn: false };
    if (!caller) {
      const presented = c.req.header('authorization') !== undefined || getCookie(c, TOKEN_COOKIE) !== undefined;
      if (presented) deleteCookie(c, TOKEN_COOKIE, { path: '/' });
      const next = c.req.path + new URL(c.req.url).search;
      return respond(c, anonymous, <LoginPage next={next} error={presented ? 'That token is not valid (any more): sign in again.' : undefined} />, 401);
    }
    try {
      const out = await render(c, caller);
      if (out instanceof Response) return out;
      return await respond(c, frameOf(c, caller, out.title), out.body, out.status ?? 200);
    } catch (err) {
      const input = inputErrorOf(err);
      const status = input?.status ?? (err instanceof HttpError ? err.status : 500);
      if (status >= 500) log?.error({ err, path: c.req.path }, 'explorer page failed');
      const message = input?.message ?? (err instanceof HttpError ? err.message : 'The page could not be built; the server log has the details.');
      return respond(c, frameOf(c, caller, 'Error'), <MessagePage status={status} message={message} />, status);
    }
  };

  const entityOf = (name: string, caller: Caller) => {
    const entity = config.entities[name];
    if (!entity) throw new HttpError(404, `There is no entity "${name}"; the entities are ${entityNames.join(', ')}.`);
    requireScope(caller, `${name}:read`);
    return entity;
  };

  app.get('/assets/explorer.css', (c) => c.body(EXPLORER_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=300' }));
  app.get('/assets/explorer.js', (c) => c.body(EXPLORER_JS, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=300' }));

  app.get('/login', async (c) => respond(c, { title: 'Sign in', entities: [], runs: false, path: '/login', signedIn: false }, <LoginPage next={safeNext(c.req.query('next'))} />));

  app.post('/login', async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    if (checker.open) return c.redirect(next, 303);
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const caller = await checker.callerOf(token);
    if (!caller) return respond(c, { title: 'Sign in', entities: [], runs: false, path: '/login', signedIn: false }, <LoginPage next={next} error="That token is not valid." />, 401);
    setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: SIGN_IN_SECONDS, secure: isHttps(c) });
    return c.redirect(next, 303);
  });

  app.post('/logout', (c) => {
    deleteCookie(c, TOKEN_COOKIE, { path: '/' });
    return c.redirect('/login', 303);
  });

  app.get(
    '/',
    page(async (_c, caller) => {
      const readable = entityNames.filter((e) => allows(caller, `${e}:read`));
      const [counts, quarantined, freshness] = await Promise.all([
        Promise.all(readable.map((name) => countEntityRows(db, name, config.entities[name]!, { filters: [] }))),
        quarantineTotals(db),
        allows(caller, 'runs:read') ? loadFreshness(db, config) : undefined,
      ]);
      const entities = readable.map((name, i) => ({ name, entity: config.entities[name]!, rows: counts[i]!, quarantined: quarantined.get(name) ?? 0 }));
      return { title: 'Overview', body: <OverviewPage view={{ entities, freshness: freshness && { stale: freshness.filter((f) => f.stale).length, total: freshness.length } }} /> };
    }),
  );

  app.get(
    '/entities/:entity',
    page(async (c, caller) => {
      const name = param(c, 'entity');
      const entity = entityOf(name, caller);
      const url = new URL(c.req.url);
      const params = [...url.searchParams.entries()];
      const folded = foldFormParams(params);
      if (folded) return c.redirect(`${url.pathname}${queryString(folded)}`, 303);
      const columns = queryableColumns(entity);
      let query = parseListParams(entity, [], limits);
      let error: string | undefined;
      try {
        query = parseListParams(entity, params, limits);
      } catch (err) {
        if (!(err instanceof HttpError) || err.status !== 400) throw err;
        error = err.message;
      }
      const shown = { ...query, select: ['_key', ...query.select.filter((s) => s !== '_key')] };
      let rows: Record<string, unknown>[] = [];
      let nextCursor: string | null = null;
      let count = 0;
      if (!error) {
        try {
          const [page, n] = await Promise.all([listEntityPage(db, name, entity, shown), countEntityRows(db, name, entity, query)]);
          ({ rows, nextCursor } = page);
          count = n;
        } catch (err) {
          const input = inputErrorOf(err) ?? (err instanceof HttpError && err.status === 400 ? err : undefined);
          if (!input) throw err;
          error = input.message;
        }
      }
      return { title: name, status: error ? 400 : 200, body: <EntityListPage view={{ name, entity, columns, query: shown, params, rows, nextCursor, count, error }} /> };
    }),
  );

  app.get(
    '/entities/:entity/:key',
    page(async (c, caller) => {
      const name = param(c, 'entity');
      const entity = entityOf(name, caller);
      const key = param(c, 'key');
      const row = await getEntityRow(db, name, entity, key);
      if (!row) throw new HttpError(404, `There is no ${name} with key ${key}.`);
      if (row._deleted_at !== null && typeof row._merged_into === 'string') {
        return c.redirect(`/entities/${name}/${encodeURIComponent(row._merged_into)}?from=${encodeURIComponent(key)}`, 302);
      }
      const childEntities = Object.entries(config.entities).filter(([n, e]) => e.parent === name && allows(caller, `${n}:read`));
      const [records, mergedFrom, quarantine, children] = await Promise.all([
        sourceRecords(db, name, key),
        keysMergedInto(db, name, key),
        quarantineOfEntity(db, name, key),
        Promise.all(childEntities.map(async ([n, e]) => ({ name: n, entity: e, rows: await childRows(db, n, e, key, CHILD_ROWS) }))),
      ]);
      const from = c.req.query('from');
      const followedFrom = from !== undefined && mergedFrom.some((m) => m.from_key === from) ? from : undefined;
      const fields = explainFields(entity, row, records);
      return { title: `${name} ${key}`, body: <EntityPage view={{ name, entity, row, fields, records, mergedFrom, children, quarantine, followedFrom }} /> };
    }),
  );

  app.get(
    '/sources',
    page(async (_c, caller) => {
      requireScope(caller, 'runs:read');
      const [freshness, alerts, runs] = await Promise.all([loadFreshness(db, config), openAlerts(db), listRuns(db, { limit: 50 })]);
      const fetched = new Set(Object.values(config.pipelines).flatMap((p) => p.sources));
      // A record contributes to a child entity once per element: count the top-level entities, one contribution per record.
      const topLevel = new Set(entityNames.filter((e) => !config.entities[e]!.parent));
      const oldestFirst = [...runs].reverse();
      const charts = Object.keys(config.sources)
        .filter((s) => fetched.has(s))
        .map((source) => ({ source, points: oldestFirst.map((r) => runPoint(r, source, topLevel)) }));
      return { title: 'Sources and runs', body: <SourcesPage view={{ freshness, alerts, runs, temporalUrl: deps.runLink, charts }} /> };
    }),
  );

  app.get(
    '/quarantine',
    page(async (c, caller) => {
      const readable = entityNames.filter((e) => allows(caller, `${e}:read`));
      const entity = c.req.query('entity') || undefined;
      if (entity !== undefined) entityOf(entity, caller);
      const before = c.req.query('before');
      if (before !== undefined && !/^\d{1,18}$/.test(before)) throw new HttpError(400, 'before must be the id of a quarantined record, as the "Older records" link gives it.');
      const [counts, records] = await Promise.all([
        quarantineCounts(db),
        quarantinedRecords(db, { entities: entity ? [entity] : readable, before, limit: QUARANTINE_PAGE + 1 }),
      ]);
      const shown = records.slice(0, QUARANTINE_PAGE);
      const view = {
        entities: readable,
        entity,
        counts: counts.filter((r) => (entity ? r.entity === entity : readable.includes(r.entity))),
        records: shown,
        before: records.length > QUARANTINE_PAGE ? shown[shown.length - 1]!.id : null,
      };
      return { title: 'Quarantine', body: <QuarantinePage view={view} /> };
    }),
  );

  return app;
}

/**
 * The API parameters the explorer's forms stand for, or undefined when there is nothing to
 * fold: `add_field/add_op/add_value` become one `field=op.value` filter, the column checkboxes
 * (`cols`) one `select`. Changing either starts again at the first page.
 */
export function foldFormParams(params: ReadonlyArray<readonly [string, string]>): Array<[string, string]> | undefined {
  const has = (k: string) => params.some(([p]) => p === k);
  if (!has('add_field') && !has('cols_chosen')) return undefined;
  const get = (k: string) => params.find(([p]) => p === k)?.[1] ?? '';
  const out: Array<[string, string]> = params.filter(([k]) => !['add_field', 'add_op', 'add_value', 'cursor', 'cols', 'cols_chosen'].includes(k)).map(([k, v]) => [k, v]);
  const field = get('add_field');
  const op = get('add_op') || 'eq';
  const value = get('add_value');
  if (field && (value !== '' || op === 'is')) out.push([field, `${op}.${value}`]);
  if (has('cols_chosen')) {
    const cols = params.filter(([k]) => k === 'cols').map(([, v]) => v);
    const rest = out.filter(([k]) => k !== 'select');
    return cols.length > 0 ? [...rest, ['select', cols.join(',')]] : rest;
  }
  return out;
}

/** One run's records fetched from a source's streams and their contributions to `entities` merged (new or changed). */
function runPoint(run: Awaited<ReturnType<typeof listRuns>>[number], source: string, entities: ReadonlySet<string>): RunPoint {
  const fetched = streamsOf(run)
    .filter((s) => s.source === source)
    .reduce((n, s) => n + (s.records ?? 0), 0);
  const merges = ((run.summary ?? {}) as { entities?: Array<{ entity: string; changedByStream?: Record<string, number> }> }).entities ?? [];
  let merged = 0;
  for (const e of merges.filter((m) => entities.has(m.entity))) for (const [stream, n] of Object.entries(e.changedByStream ?? {})) if (stream.startsWith(`${source}.`)) merged += n;
  return { runId: run.runId, at: run.startedAt, fetched, merged };
}

/** A local path to return to after signing in; anything else (another host, `//x`) goes to `/`. */
function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/(?![/\\])/.test(next) && !/[\r\n]/.test(next) ? next : '/';
}

function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

function param(c: Context, name: string): string {
  return c.req.param(name) ?? '';
}
