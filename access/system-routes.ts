import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Kysely } from 'kysely';
import type { TributaryConfig } from '../config/tributary-config.js';
import { temporalRunUrl } from '../observability/alerts/alert.js';
import { openAlerts } from '../observability/alerts/alert-state-store.js';
import { loadFreshness } from '../observability/load-freshness.js';
import type { TributaryMetrics } from '../observability/metrics.js';
import type { Database } from '../store/database-schema.js';
import { type RunStatus, getRun, listRuns } from '../store/run-store.js';
import { HttpError } from './http-error.js';
import { type AuthVariables, requireScope } from './token-auth.js';

/** Options of the operational routes. */
export interface SystemRouteOptions {
  readonly metrics?: TributaryMetrics | undefined;
  /** Extra Prometheus text appended to `/metrics`, e.g. the Temporal SDK's own metrics. */
  readonly extraMetrics?: (() => Promise<string>) | undefined;
  readonly temporalUiUrl?: string | undefined;
  readonly namespace?: string | undefined;
}

/**
 * The Temporal UI link of a run's workflow, from the options, else `alerts.temporalUiUrl`, else
 * `TEMPORAL_UI_URL` (null when none is known).
 */
export function temporalRunLink(config: TributaryConfig, opts: Pick<SystemRouteOptions, 'temporalUiUrl' | 'namespace'>): (runId: string) => string | null {
  const uiBase = opts.temporalUiUrl ?? config.alerts?.temporalUiUrl ?? process.env.TEMPORAL_UI_URL;
  const namespace = opts.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default';
  return (runId) => temporalRunUrl(uiBase, namespace, runId);
}

const STATUSES: readonly RunStatus[] = ['running', 'succeeded', 'failed', 'degraded'];

/**
 * Runs, freshness and metrics (scope `runs:read`):
 * - `GET /v1/runs?pipeline&status&limit` — newest first, each with per-source fetch counts
 *   (`sources: [{source, stream, status, pages, records, error}]`), per-entity merge counts
 *   (`entities`), the error and a Temporal UI link;
 * - `GET /v1/runs/:runId` — one run;
 * - `GET /v1/sources` — per source stream: last successful fetch vs the schedule, `stale` and why
 *   (see `sourceFreshness`), plus the open alerts;
 * - `GET /metrics` — Prometheus text; freshness gauges are refreshed on each scrape.
 */
export function systemRoutes(db: Kysely<Database>, config: TributaryConfig, opts: SystemRouteOptions): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const runLink = temporalRunLink(config, opts);
  const view = (r: Awaited<ReturnType<typeof listRuns>>[number]) => {
    const summary = (r.summary ?? {}) as { streams?: unknown[]; entities?: unknown[] };
    return {
      run_id: r.runId,
      pipeline: r.pipeline,
      status: r.status,
      trigger: r.trigger,
      rerun_of: r.rerunOf,
      window_start: r.windowStart,
      window_end: r.windowEnd,
      started_at: r.startedAt,
      finished_at: r.finishedAt,
      duration_ms: r.finishedAt ? r.finishedAt.getTime() - r.startedAt.getTime() : null,
      error: r.error,
      sources: summary.streams ?? [],
      entities: summary.entities ?? [],
      temporal_url: runLink(r.runId),
    };
  };

  // Per route, not `use('*')`: this app is mounted at the root beside the entity routes.
  const scoped = createMiddleware<{ Variables: AuthVariables }>(async (c, next) => {
    requireScope(c.get('caller'), 'runs:read');
    await next();
  });

  app.get('/v1/runs', scoped, async (c) => {
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? 20 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new HttpError(400, 'limit must be an integer from 1 to 200');
    const pipeline = c.req.query('pipeline');
    if (pipeline !== undefined && !config.pipelines[pipeline]) throw new HttpError(400, `unknown pipeline "${pipeline}"; valid: ${Object.keys(config.pipelines).join(', ')}`);
    const status = c.req.query('status') as RunStatus | undefined;
    if (status !== undefined && !STATUSES.includes(status)) throw new HttpError(400, `status must be one of ${STATUSES.join(', ')}`);
    const runs = await listRuns(db, { limit: status ? Math.min(limit * 10, 2000) : limit, ...(pipeline ? { pipeline } : {}) });
    return c.json({ data: runs.filter((r) => !status || r.status === status).slice(0, limit).map(view) });
  });

  app.get('/v1/runs/:runId{.+}', scoped, async (c) => {
    const run = await getRun(db, c.req.param('runId'));
    if (!run) throw new HttpError(404, `no run ${c.req.param('runId')}`);
    return c.json(view(run));
  });

  app.get('/v1/sources', scoped, async (c) => {
    const [sources, alerts] = await Promise.all([loadFreshness(db, config), openAlerts(db)]);
    return c.json({ data: sources, stale: sources.filter((s) => s.stale).length, alerts });
  });

  app.get('/metrics', scoped, async (c) => {
    const metrics = opts.metrics;
    if (!metrics) throw new HttpError(404, 'metrics are not enabled');
    // Freshness is a property of the database, not of this process: refresh it per scrape.
    const sources = await loadFreshness(db, config).catch(() => []);
    for (const s of sources) {
      const labels = { pipeline: s.pipeline, source: s.source, stream: s.stream };
      metrics.sourceStale.set(labels, s.stale ? 1 : 0);
      if (s.lastSuccessAt) metrics.sourceLastSuccess.set(labels, Date.parse(s.lastSuccessAt) / 1000);
    }
    const text = (await metrics.registry.metrics()) + (opts.extraMetrics ? await opts.extraMetrics().catch(() => '') : '');
    return c.body(text, 200, { 'content-type': metrics.registry.contentType });
  });

  return app;
}
