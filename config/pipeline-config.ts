import { z } from 'zod';
import { CronError, parseCron } from '../core/cron.js';
import { identifierSchema } from './identifier.js';

/** What a schedule does when a run is due while the previous one still runs. */
export const OVERLAP_POLICIES = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'] as const;

/** When a pipeline runs: every interval, or on a cron expression. */
export const scheduleSchema = z
  .strictObject({
    /** An interval such as `30s`, `5m`, `1h`, `1d`; a run's window is the interval before its scheduled time. */
    every: z.string().regex(/^\d+(s|m|h|d)$/, 'must be a duration like 30s, 5m, 1h or 1d').optional().describe('An interval such as `30s`, `5m`, `1h`, `1d`; a run\'s window is the interval before its scheduled time.'),
    /** A cron expression (5 fields, or `@hourly`/`@daily`/...), evaluated in `timezone`; a run's window starts at the previous fire. */
    cron: z.string().optional().describe('A cron expression (5 fields, or `@hourly`/`@daily`/...), evaluated in `timezone`; a run\'s window starts at the previous fire.'),
    /** IANA time zone for cron expressions. */
    timezone: z.string().default('UTC').describe('IANA time zone for cron expressions.'),
    /** Random delay added to each run, e.g. `30s`; the run's window still ends at its nominal time. */
    jitter: z.string().regex(/^\d+(s|m|h)$/, 'must be a duration like 30s, 5m or 1h').optional().describe('Random delay added to each run, e.g. `30s`; the run\'s window still ends at its nominal time.'),
    /** Keep the schedule paused (runs start only when triggered by hand or by a backfill). */
    paused: z.boolean().default(false).describe('Keep the schedule paused (runs start only when triggered by hand or by a backfill).'),
    /**
     * A run due while the previous one still runs: `skip` it (default), `buffer_one` (run it
     * after), `buffer_all`, `cancel_other`, `terminate_other` or `allow_all`.
     */
    overlap: z.enum(OVERLAP_POLICIES).default('skip').describe('A run due while the previous one still runs: `skip` it (default), `buffer_one` (run it after), `buffer_all`, `cancel_other`, `terminate_other` or `allow_all`.'),
    /** How late a missed run (Temporal was down) may still start, e.g. `10m`; older ones are skipped (backfill them). */
    catchupWindow: z.string().regex(/^\d+(s|m|h|d)$/, 'must be a duration like 30s, 5m, 1h or 1d').default('10m').describe('How late a missed run (Temporal was down) may still start, e.g. `10m`; older ones are skipped (backfill them).'),
  })
  .superRefine((s, ctx) => {
    if ((s.every === undefined) === (s.cron === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of every or cron' });
    if (s.cron !== undefined) {
      try {
        parseCron(s.cron, s.timezone);
      } catch (err) {
        if (!(err instanceof CronError)) throw err;
        ctx.addIssue({ code: 'custom', path: [/time zone/.test(err.message) ? 'timezone' : 'cron'], message: err.message });
      }
    }
  });

/** A pipeline: a set of sources fetched together on a schedule, then merged. */
export const pipelineSchema = z.strictObject({
  /** When the pipeline runs. */
  schedule: scheduleSchema.describe('When the pipeline runs.'),
  /** Source names fetched by this pipeline. */
  sources: z.array(identifierSchema).min(1).describe('Source names fetched by this pipeline.'),
  /** `all_or_nothing`: any failed source fails the run; `partial`: merge what succeeded and mark the run degraded. */
  failurePolicy: z.enum(['all_or_nothing', 'partial']).default('all_or_nothing').describe('`all_or_nothing`: any failed source fails the run; `partial`: merge what succeeded and mark the run degraded.'),
});

/** Validated pipeline config. */
export type PipelineConfig = z.infer<typeof pipelineSchema>;
/** Validated schedule config. */
export type ScheduleConfig = z.infer<typeof scheduleSchema>;
/** A schedule's overlap policy. */
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];
