import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus metric Tributary exports (prefix `tributary_`), on one registry:
 *
 * | metric | labels | meaning |
 * |---|---|---|
 * | `records_fetched_total` | pipeline, source, stream | records staged from upstream |
 * | `pages_fetched_total` | pipeline, source, stream | pages fetched |
 * | `streams_incomplete_total` | pipeline, source, stream | fetches that ended short of what the upstream has (any `onTruncation`) |
 * | `duplicate_records_total` | pipeline, source, stream | records received again under a primary key already received in the run |
 * | `records_merged_total` | pipeline, entity, outcome (`written`, `unchanged`, `deleted`) | merge results |
 * | `records_quarantined_total` | pipeline, entity | records set aside as invalid |
 * | `http_requests_total` | host, status (`200`, `429`, `error`) | upstream requests |
 * | `http_request_duration_seconds` | host | upstream latency histogram |
 * | `rate_limit_waits_total`, `rate_limit_wait_seconds_total` | source | time spent waiting on rate limits |
 * | `runs_total` | pipeline, status | finished runs |
 * | `run_duration_seconds` | pipeline, status | run duration histogram |
 * | `source_last_success_timestamp_seconds` | pipeline, source, stream | last successful fetch |
 * | `source_stale` | pipeline, source, stream | 1 when stale (see `sourceFreshness`) |
 * | `api_requests_total`, `api_request_duration_seconds` | route, method, status | the access API |
 * | `alerts_sent_total` | reason, state | alerts delivered |
 */
export interface TributaryMetrics {
  readonly registry: Registry;
  readonly recordsFetched: Counter<'pipeline' | 'source' | 'stream'>;
  readonly pagesFetched: Counter<'pipeline' | 'source' | 'stream'>;
  readonly streamsIncomplete: Counter<'pipeline' | 'source' | 'stream'>;
  readonly duplicateRecords: Counter<'pipeline' | 'source' | 'stream'>;
  readonly recordsMerged: Counter<'pipeline' | 'entity' | 'outcome'>;
  readonly recordsQuarantined: Counter<'pipeline' | 'entity'>;
  readonly httpRequests: Counter<'host' | 'status'>;
  readonly httpDuration: Histogram<'host'>;
  readonly rateLimitWaits: Counter<'source'>;
  readonly rateLimitWaitSeconds: Counter<'source'>;
  readonly runs: Counter<'pipeline' | 'status'>;
  readonly runDuration: Histogram<'pipeline' | 'status'>;
  readonly sourceLastSuccess: Gauge<'pipeline' | 'source' | 'stream'>;
  readonly sourceStale: Gauge<'pipeline' | 'source' | 'stream'>;
  readonly apiRequests: Counter<'route' | 'method' | 'status'>;
  readonly apiDuration: Histogram<'route' | 'method'>;
  readonly alertsSent: Counter<'reason' | 'state'>;
}

/** Creates the metrics on a new registry (tests), with Node's process metrics when asked. */
export function createMetrics(opts: { registry?: Registry; processMetrics?: boolean } = {}): TributaryMetrics {
  const registry = opts.registry ?? new Registry();
  if (opts.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'tributary_' });
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter<L>({ name: `tributary_${name}`, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name: `tributary_${name}`, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) => new Histogram<L>({ name: `tributary_${name}`, help, labelNames, buckets, registers });
  const streamLabels = ['pipeline', 'source', 'stream'] as const;
  return {
    registry,
    recordsFetched: counter('records_fetched_total', 'Records staged from upstream APIs', streamLabels),
    pagesFetched: counter('pages_fetched_total', 'Pages fetched from upstream APIs', streamLabels),
    streamsIncomplete: counter('streams_incomplete_total', 'Stream fetches that ended short of what the upstream has (reported total not reached, has_more not followable)', streamLabels),
    duplicateRecords: counter('duplicate_records_total', 'Records received again under a primary key already received in the same stream and run', streamLabels),
    recordsMerged: counter('records_merged_total', 'Entity rows by merge outcome (written, unchanged, deleted)', ['pipeline', 'entity', 'outcome']),
    recordsQuarantined: counter('records_quarantined_total', 'Records quarantined as invalid', ['pipeline', 'entity']),
    httpRequests: counter('http_requests_total', 'Upstream HTTP requests by host and status (error: no response)', ['host', 'status']),
    httpDuration: histogram('http_request_duration_seconds', 'Upstream HTTP request latency by host', ['host'], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]),
    rateLimitWaits: counter('rate_limit_waits_total', 'Times a request waited for a rate limit (client-side or Retry-After)', ['source']),
    rateLimitWaitSeconds: counter('rate_limit_wait_seconds_total', 'Seconds spent waiting for rate limits', ['source']),
    runs: counter('runs_total', 'Finished runs by status', ['pipeline', 'status']),
    runDuration: histogram('run_duration_seconds', 'Run duration from start to finish', ['pipeline', 'status'], [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600]),
    sourceLastSuccess: gauge('source_last_success_timestamp_seconds', 'Unix time of the last successful fetch of a source stream', streamLabels),
    sourceStale: gauge('source_stale', '1 when a source stream is stale (last success older than the stale rule allows)', streamLabels),
    apiRequests: counter('api_requests_total', 'Access API requests', ['route', 'method', 'status']),
    apiDuration: histogram('api_request_duration_seconds', 'Access API latency', ['route', 'method'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]),
    alertsSent: counter('alerts_sent_total', 'Alerts delivered (state: firing or resolved)', ['reason', 'state']),
  };
}

let shared: TributaryMetrics | undefined;

/**
 * The process-wide metrics: the worker and the access API of one process share them, so one
 * `/metrics` scrape shows both.
 */
export function processMetrics(): TributaryMetrics {
  shared ??= createMetrics({ processMetrics: true });
  return shared;
}

/** A hook for the HTTP client that counts upstream requests by host and status and times them. */
export function httpObserver(metrics: TributaryMetrics): (e: { url: string; status: number | undefined; durationMs: number }) => void {
  return (e) => {
    let host = 'unknown';
    try {
      host = new URL(e.url).host;
    } catch {
      // keep "unknown"
    }
    metrics.httpRequests.inc({ host, status: e.status === undefined ? 'error' : String(e.status) });
    metrics.httpDuration.observe({ host }, e.durationMs / 1000);
  };
}
