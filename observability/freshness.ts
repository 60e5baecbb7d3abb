import { parseCron } from '../core/cron.js';
import { parseDuration } from '../core/duration.js';

/** The part of a pipeline's config freshness needs. */
export interface FreshnessPipeline {
  readonly schedule: { readonly every?: string | undefined; readonly cron?: string | undefined; readonly timezone?: string | undefined; readonly paused?: boolean | undefined };
  readonly sources: readonly string[];
}

/** A stream that the freshness rule applies to, with its last success and last failure if any. */
export interface StreamHistory {
  readonly pipeline: string;
  readonly source: string;
  readonly stream: string;
  /** When it last fetched successfully in a run whose merge committed. */
  readonly lastSuccessAt?: Date | undefined;
  readonly lastSuccessRunId?: string | undefined;
  /** Its last failed fetch, when later than the last success. */
  readonly lastFailureAt?: Date | undefined;
  readonly lastFailureRunId?: string | undefined;
  readonly lastError?: string | undefined;
}

/** The freshness of one source stream. */
export interface SourceFreshness {
  readonly pipeline: string;
  readonly source: string;
  readonly stream: string;
  readonly lastSuccessAt: string | null;
  readonly lastSuccessRunId: string | null;
  /** Milliseconds since the last success (null: never). */
  readonly ageMs: number | null;
  /** The schedule's interval (for cron: the gap between its last two fires). */
  readonly intervalMs: number;
  /** Older than this is stale: `staleAfterIntervals × intervalMs`. */
  readonly staleAfterMs: number;
  readonly stale: boolean;
  /** The pipeline's schedule is paused: never stale, nothing is expected. */
  readonly paused: boolean;
  /** Why it is stale (or null): age and, when known, the last error. */
  readonly reason: string | null;
  readonly lastError: string | null;
  readonly lastFailureRunId: string | null;
}

/**
 * The stale rule, one pure function shared by `/v1/sources`, `tributary status`, the
 * `tributary_source_stale` metric and the stale-source alerts:
 *
 * a stream is **stale** when its last successful fetch is older than `staleAfterIntervals`
 * (default 2) schedule intervals, or when it never succeeded and its pipeline has existed
 * (`since`, e.g. its first run) for that long. Streams of paused pipelines are never stale.
 * For cron schedules the interval is the gap between the two fires before `now`.
 *
 * ```ts
 * const rows = sourceFreshness(config.pipelines, streams, { now: new Date() });
 * rows.filter((r) => r.stale).map((r) => `${r.source}.${r.stream}: ${r.reason}`);
 * ```
 */
export function sourceFreshness(
  pipelines: Readonly<Record<string, FreshnessPipeline>>,
  streams: readonly StreamHistory[],
  opts: { now: Date; staleAfterIntervals?: number; since?: Readonly<Record<string, Date>> },
): SourceFreshness[] {
  const factor = opts.staleAfterIntervals ?? 2;
  const now = opts.now.getTime();
  const out: SourceFreshness[] = [];
  for (const s of streams) {
    const pipeline = pipelines[s.pipeline];
    if (!pipeline) continue;
    const intervalMs = scheduleIntervalMs(pipeline.schedule, opts.now);
    const staleAfterMs = Math.round(intervalMs * factor);
    const paused = pipeline.schedule.paused === true;
    const ageMs = s.lastSuccessAt ? Math.max(0, now - s.lastSuccessAt.getTime()) : null;
    const since = opts.since?.[s.pipeline];
    const neverFor = since ? now - since.getTime() : 0;
    const stale = !paused && (ageMs !== null ? ageMs > staleAfterMs : neverFor > staleAfterMs);
    const failedLater = s.lastFailureAt && (!s.lastSuccessAt || s.lastFailureAt > s.lastSuccessAt);
    const lastError = failedLater ? (s.lastError ?? 'failed') : null;
    let reason: string | null = null;
    if (stale) {
      const age = ageMs !== null ? `last success ${formatMs(ageMs)} ago` : 'never fetched successfully';
      reason = `${age}, more than ${factor} × ${formatMs(intervalMs)} schedule interval${lastError ? `; last error: ${lastError}` : ''}`;
    }
    out.push({
      pipeline: s.pipeline,
      source: s.source,
      stream: s.stream,
      lastSuccessAt: s.lastSuccessAt?.toISOString() ?? null,
      lastSuccessRunId: s.lastSuccessRunId ?? null,
      ageMs,
      intervalMs,
      staleAfterMs,
      stale,
      paused,
      reason,
      lastError,
      lastFailureRunId: failedLater ? (s.lastFailureRunId ?? null) : null,
    });
  }
  return out.sort((a, b) => a.pipeline.localeCompare(b.pipeline) || a.source.localeCompare(b.source) || a.stream.localeCompare(b.stream));
}

/** A schedule's interval in milliseconds; for cron the gap between its two fires before `now`. */
export function scheduleIntervalMs(schedule: FreshnessPipeline['schedule'], now: Date): number {
  if (schedule.every) return parseDuration(schedule.every);
  if (!schedule.cron) return 0;
  const cron = parseCron(schedule.cron, schedule.timezone ?? 'UTC');
  const last = cron.previous(now);
  const before = last && cron.previous(last);
  return last && before ? last.getTime() - before.getTime() : 86_400_000;
}

/** `90s` → `1m30s`, `7200000` → `2h`. */
export function formatMs(ms: number): string {
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]];
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 && parts.length < 2) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('') || `${Math.round(ms)}ms`;
}
