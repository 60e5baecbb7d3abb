import { z } from 'zod';

/**
 * Incremental sync of a stream: the highest `cursorField` value seen is stored per source and
 * stream as a watermark, fed into the next run's request as `{incremental.start}` (and as
 * `param` when given), and advanced only after the run's merge has committed.
 *
 * ```yaml
 * incremental: { cursorField: $.updated_at, param: updated_since, lookback: 1h, initial: '2024-01-01T00:00:00Z' }
 * ```
 */
export const incrementalSchema = z.strictObject({
  /** JSONPath of the cursor in each record (a timestamp or an increasing id). */
  cursorField: z.string().min(1).describe('JSONPath of the cursor in each record (timestamp or increasing id).'),
  /** How cursor values compare and render. */
  cursorType: z.enum(['timestamp', 'number', 'string']).default('timestamp').describe('How cursor values compare: timestamp, number or string.'),
  /** Shorthand: send the start as this query parameter (REST GET), body field (REST POST) or variable (GraphQL). */
  param: z.string().optional().describe('Send the start value as this query parameter, body field (POST) or GraphQL variable.'),
  /** Re-read this much before the watermark (`1h`, `2d`), for late-arriving updates; numbers for number cursors. */
  lookback: z.union([z.string().regex(/^\d+(s|m|h|d)$/, 'must be a duration like 30s, 5m, 1h or 1d'), z.number().min(0)]).optional().describe('Re-read this much before the watermark: a duration for timestamps, a number for number cursors.'),
  /** Start value before the first successful run (ISO timestamp or number); without it the first run reads everything. */
  initial: z.union([z.string(), z.number()]).optional().describe('Start value before the first successful run.'),
  /** How a timestamp start is written into requests. */
  format: z.enum(['iso', 'epoch_seconds', 'epoch_ms']).default('iso').describe('How a timestamp start is written into requests: iso, epoch_seconds or epoch_ms.'),
});

/** Validated incremental config. */
export type IncrementalConfig = z.infer<typeof incrementalSchema>;
