import { z } from 'zod';
import { authSchema } from './auth-config.js';
import { identifierSchema } from '../identifier.js';

/** Per-stream safety limits and request timeout, shared by REST and GraphQL streams. */
export const limitsFields = {
  /** Per-request timeout in milliseconds. */
  timeoutMs: z.number().int().positive().default(30_000).describe('Per-request timeout in milliseconds.'),
  /** Stop after this many pages per stream and run (a safety cap). */
  maxPages: z.number().int().positive().optional().describe('Stop after this many pages per stream and run.'),
  /** Stop after this many records per stream and run (a safety cap). */
  maxRecords: z.number().int().positive().optional().describe('Stop after this many records per stream and run.'),
  /**
   * What a stream that ends short of what the upstream has (fewer records than its reported
   * total, or `has_more` with no way to follow it) does: `fail` the stream (default), `degrade`
   * (merge what arrived, mark the run degraded, keep the watermark) or `warn` (count it as
   * complete, with a warning in the run summary).
   */
  onTruncation: z
    .enum(['fail', 'degrade', 'warn'])
    .default('fail')
    .describe('A stream ending short of the upstream (reported total, has_more): fail (default), degrade (merge, run degraded, watermark kept) or warn.'),
  /**
   * Records with the same primary key within one stream and run: `last_wins` (default, the
   * latest version is kept), `first_wins`, or `fail` the stream. The count is in the run summary
   * and the `tributary_duplicate_records_total` metric either way.
   */
  duplicates: z
    .enum(['last_wins', 'first_wins', 'fail'])
    .default('last_wins')
    .describe('Records sharing a primary key within a stream and run: last_wins (default), first_wins or fail; counted in the run summary.'),
};

/**
 * Per-source request limits, shared by every activity of the source in one worker process.
 * Server hints (`Retry-After`, `RateLimit-*`, `X-RateLimit-*`) are honoured on top of them.
 */
export const rateLimitSchema = z.strictObject({
  /** Sustained requests per second (fractions allowed: 0.5 is one request every two seconds). */
  requestsPerSecond: z.number().positive().optional().describe('Sustained requests per second (0.5 = one every 2 s).'),
  /** Requests in flight at once. */
  maxConcurrency: z.number().int().positive().optional().describe('Requests in flight at once.'),
  /** A server-requested wait up to this long is waited out inside the activity; longer ones end the attempt with a retryable error carrying the delay. */
  maxInlineWaitMs: z.number().int().min(0).default(30_000).describe('Wait out server-requested delays up to this long inside the activity; longer ones become the next retry delay.'),
});

/**
 * Quick in-activity retries of transient failures (timeouts, connection errors, 408/429/5xx),
 * with exponential backoff and full jitter. Kept small: after them the activity fails retryably
 * and Temporal's retry policy takes over, so the two do not multiply.
 */
export const retrySchema = z.strictObject({
  /** Extra attempts per request inside one activity attempt. */
  attempts: z.number().int().min(0).max(10).default(2).describe('Extra attempts per request inside one activity attempt.'),
  /** Base delay of the exponential backoff, in milliseconds. */
  baseDelayMs: z.number().int().min(0).default(500).describe('Base delay of the exponential backoff (ms).'),
  /** Cap of one backoff delay, in milliseconds. */
  maxDelayMs: z.number().int().min(0).default(10_000).describe('Cap of one backoff delay (ms).'),
});

/** Validated rate-limit config. */
export type RateLimitConfig = z.infer<typeof rateLimitSchema>;
/** Validated retry config. */
export type RetryConfig = z.infer<typeof retrySchema>;

/** What every source sends with each request: its credentials and static headers. */
export const sourceAuthFields = {
  /** How to authenticate. */
  auth: authSchema.default({ type: 'none' }).describe('How to authenticate.'),
  /** Static headers sent with every request (not secrets: use auth `headers` for those). */
  headers: z.record(z.string(), z.string()).default({}).describe('Static headers sent with every request (not secrets).'),
};

/** Request-behaviour fields of every source. */
export const sourceRequestFields = {
  /** Per-request timeout in milliseconds. */
  timeoutMs: limitsFields.timeoutMs.describe('Per-request timeout in milliseconds.'),
  /** Requests per second and concurrency for this source. */
  rateLimit: rateLimitSchema.default({ maxInlineWaitMs: 30_000 }).describe('Requests per second and concurrency for this source.'),
  /** In-activity retries of transient failures. */
  retry: retrySchema.default({ attempts: 2, baseDelayMs: 500, maxDelayMs: 10_000 }).describe('In-activity retries of transient failures.'),
};

/** A source's streams by name, at least one, each validated by `stream`. */
export function streamsSchema<T extends z.ZodType>(stream: T) {
  return z.record(identifierSchema, stream).refine((s) => Object.keys(s).length > 0, 'a source needs at least one stream');
}
