import { z } from 'zod';

/**
 * How long raw staged records (and their fetch checkpoints) are kept, so any merge can be
 * recomputed without refetching. A run is pruned only when it is beyond both limits given;
 * running runs and each pipeline's latest successful run are always kept.
 *
 * ```yaml
 * retention: { stagedRuns: 10, days: 30 }
 * ```
 */
export const retentionSchema = z.strictObject({
  /** Keep the newest N finished runs of each pipeline; default 10. */
  stagedRuns: z.number().int().min(1).default(10).describe('Keep the newest N finished runs of each pipeline; default 10.'),
  /** Also keep every run younger than this many days. */
  days: z.number().int().min(1).optional().describe('Also keep every run younger than this many days.'),
});

/** Validated retention config. */
export type RetentionConfig = z.infer<typeof retentionSchema>;
