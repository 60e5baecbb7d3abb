import { z } from 'zod';
import { secretRefSchema } from '../secrets/secret-ref.js';

/** What an alert is about. */
export const ALERT_REASONS = ['run_failed', 'run_degraded', 'source_failed', 'source_stale'] as const;

/** An alert reason. */
export type AlertReason = (typeof ALERT_REASONS)[number];

/** A webhook receiving each alert as a JSON POST. */
export const alertWebhookSchema = z.strictObject({
  /** The URL to POST to; a secret reference (`env:SLACK_WEBHOOK_URL`) when the URL carries a token. */
  url: z.union([z.string().url(), secretRefSchema]).describe('The URL to POST to; a secret reference (`env:SLACK_WEBHOOK_URL`) when the URL carries a token.'),
  /** Extra headers, values may be secret references (e.g. `authorization: env:ALERT_AUTH`). */
  headers: z.record(z.string(), z.string()).default({}).describe('Extra headers, values may be secret references (e.g. `authorization: env:ALERT_AUTH`).'),
  /** Request timeout in milliseconds; default 10 000. */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000).describe('Request timeout in milliseconds; default 10 000.'),
});

/** A command run for each alert with the alert as JSON on stdin and in `TRIBUTARY_ALERT`. */
export const alertCommandSchema = z.strictObject({
  /** The program and its arguments, e.g. `[./notify.sh, --team, data]` (no shell involved). */
  argv: z.array(z.string().min(1)).min(1).describe('The program and its arguments, e.g. `[./notify.sh, --team, data]` (no shell involved).'),
  /** Time limit in milliseconds; default 30 000. */
  timeoutMs: z.number().int().min(100).max(600_000).default(30_000).describe('Time limit in milliseconds; default 30 000.'),
});

/**
 * Alerts on failed or degraded runs, failing sources and stale sources, sent to a webhook
 * and/or a command. One outage gives one alert: an alert keyed by pipeline, source and reason
 * is sent once, then again only after the condition cleared (a recovery notice is sent too)
 * or after `repeatAfter`.
 *
 * ```yaml
 * alerts:
 *   webhook: { url: env:ALERT_WEBHOOK_URL }
 *   on: [run_failed, run_degraded, source_failed, source_stale]
 *   repeatAfter: 6h
 *   temporalUiUrl: http://127.0.0.1:8233
 * ```
 */
export const alertsSchema = z
  .strictObject({
    /** POST each alert here. */
    webhook: alertWebhookSchema.optional().describe('POST each alert here.'),
    /** Run this for each alert. */
    command: alertCommandSchema.optional().describe('Run this for each alert.'),
    /** Which conditions alert; default all of them. */
    on: z.array(z.enum(ALERT_REASONS)).min(1).default([...ALERT_REASONS]).describe('Which conditions alert; default all of them.'),
    /** Send an open alert again after this long (e.g. `6h`); default: never, only after a recovery. */
    repeatAfter: z.string().regex(/^\d+(s|m|h|d)$/, 'must be a duration like 30m, 6h or 1d').optional().describe('Send an open alert again after this long (e.g. `6h`); default: never, only after a recovery.'),
    /** Send a `resolved` notice when a condition clears; default true. */
    notifyRecovery: z.boolean().default(true).describe('Send a `resolved` notice when a condition clears; default true.'),
    /** A source is stale when its last successful fetch is older than this many schedule intervals; default 2. */
    staleAfterIntervals: z.number().min(1).default(2).describe('A source is stale when its last successful fetch is older than this many schedule intervals; default 2.'),
    /** Base URL of the Temporal UI for links to runs, e.g. `http://127.0.0.1:8233`; default `$TEMPORAL_UI_URL`, else none. */
    temporalUiUrl: z.string().url().optional().describe('Base URL of the Temporal UI for links to runs, e.g. `http://127.0.0.1:8233`; default `$TEMPORAL_UI_URL`, else none.'),
  })
  .superRefine((a, ctx) => {
    if (!a.webhook && !a.command) ctx.addIssue({ code: 'custom', message: 'give a webhook, a command, or both' });
  });

/** Validated alerts config. */
export type AlertsConfig = z.infer<typeof alertsSchema>;
