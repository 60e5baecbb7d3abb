import { z } from 'zod';
import { identifierSchema } from './identifier.js';

/** When a pipeline runs: every interval, or on a cron expression. */
export const scheduleSchema = z
  .strictObject({
    /** An interval such as `30s`, `5m`, `1h`, `1d`. */
    every: z.string().regex(/^\d+(s|m|h|d)$/, 'must be a duration like 30s, 5m, 1h or 1d').optional(),
    /** A cron expression (5 fields), evaluated in `timezone`. */
    cron: z.string().optional(),
    /** IANA time zone for cron expressions. */
    timezone: z.string().default('UTC'),
    /** Random delay added to each run, e.g. `30s`. */
    jitter: z.string().regex(/^\d+(s|m|h)$/).optional(),
    /** Create the schedule paused. */
    paused: z.boolean().default(false),
  })
  .refine((s) => (s.every === undefined) !== (s.cron === undefined), { message: 'give exactly one of every or cron' });

/** A pipeline: a set of sources fetched together on a schedule, then merged. */
export const pipelineSchema = z.strictObject({
  /** When the pipeline runs. */
  schedule: scheduleSchema,
  /** Source names fetched by this pipeline. */
  sources: z.array(identifierSchema).min(1),
  /** `all_or_nothing`: any failed source fails the run; `partial`: merge what succeeded and mark the run degraded. */
  failurePolicy: z.enum(['all_or_nothing', 'partial']).default('all_or_nothing'),
});

/** Validated pipeline config. */
export type PipelineConfig = z.infer<typeof pipelineSchema>;
/** Validated schedule config. */
export type ScheduleConfig = z.infer<typeof scheduleSchema>;
