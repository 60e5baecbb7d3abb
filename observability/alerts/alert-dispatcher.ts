import type { Kysely } from 'kysely';
import { parseDuration } from '../../core/duration.js';
import type { AlertsConfig } from '../../config/alerts-config.js';
import type { SecretResolver } from '../../secrets/resolve-secret.js';
import type { SecretMasker } from '../../secrets/secret-masker.js';
import type { Database } from '../../store/database-schema.js';
import type { Logger } from '../logger.js';
import type { TributaryMetrics } from '../metrics.js';
import { type AlertCondition, type AlertPayload, alertKey, temporalRunUrl } from './alert.js';
import { type AlertSink, commandSink, webhookSink } from './alert-sinks.js';
import { decideAndDeliver } from './alert-state-store.js';

/** Dependencies of an alert dispatcher. */
export interface AlertDispatcherDeps {
  readonly db: Kysely<Database>;
  readonly config: AlertsConfig;
  readonly secrets: SecretResolver;
  readonly masker: SecretMasker;
  readonly log?: Logger | undefined;
  readonly metrics?: TributaryMetrics | undefined;
  /** Temporal namespace for run links; default `$TEMPORAL_NAMESPACE`, else `default`. */
  readonly namespace?: string | undefined;
  /** Temporal UI base URL; default `config.temporalUiUrl`, else `$TEMPORAL_UI_URL`. */
  readonly temporalUiUrl?: string | undefined;
}

/** What one evaluation did. */
export interface DispatchResult {
  readonly sent: ReadonlyArray<{ key: string; state: 'firing' | 'resolved' }>;
  readonly failed: ReadonlyArray<{ key: string; error: string }>;
}

/** Evaluates alert conditions and sends what is due, de-duplicated through Postgres. */
export interface AlertDispatcher {
  dispatch(conditions: readonly AlertCondition[], now?: Date): Promise<DispatchResult>;
}

/**
 * An alert dispatcher over the configured webhook and/or command. Conditions whose reason is
 * not in `alerts.on` are ignored. Each condition is decided under a row lock (see
 * `decideAndDeliver`): one outage sends one `firing` alert and, when it clears, one `resolved`.
 * A delivery failure is logged and counted, never thrown: alerting must not fail a run.
 */
export function createAlertDispatcher(deps: AlertDispatcherDeps): AlertDispatcher {
  const sinks: AlertSink[] = [];
  if (deps.config.webhook) sinks.push(webhookSink(deps.config.webhook, deps));
  if (deps.config.command) sinks.push(commandSink(deps.config.command, deps));
  const repeatAfterMs = deps.config.repeatAfter ? parseDuration(deps.config.repeatAfter) : undefined;
  const wanted = new Set(deps.config.on);
  const base = deps.temporalUiUrl ?? deps.config.temporalUiUrl ?? process.env.TEMPORAL_UI_URL;
  const namespace = deps.namespace ?? process.env.TEMPORAL_NAMESPACE ?? 'default';

  return {
    async dispatch(conditions, now = new Date()) {
      const sent: Array<{ key: string; state: 'firing' | 'resolved' }> = [];
      const failed: Array<{ key: string; error: string }> = [];
      for (const c of conditions) {
        if (!wanted.has(c.reason)) continue;
        const key = alertKey(c);
        try {
          await decideAndDeliver(deps.db, c, { now, repeatAfterMs, notifyRecovery: deps.config.notifyRecovery }, async (decision) => {
            const payload: AlertPayload = {
              state: decision.send,
              reason: c.reason,
              pipeline: c.pipeline,
              source: c.source ?? null,
              stream: c.stream ?? null,
              key,
              message: deps.masker.mask(c.message),
              runId: c.runId ?? null,
              temporalUrl: temporalRunUrl(base, namespace, c.runId),
              since: decision.since.toISOString(),
              occurrences: decision.occurrences,
              at: now.toISOString(),
            };
            // Every sink must take it; a failing one rolls the state back so the next evaluation retries.
            for (const sink of sinks) await sink(payload);
            sent.push({ key, state: decision.send });
            deps.metrics?.alertsSent.inc({ reason: c.reason, state: decision.send });
            deps.log?.warn({ alert: key, state: decision.send, pipeline: c.pipeline, source: c.source, runId: c.runId }, `alert ${decision.send}: ${payload.message}`);
          });
        } catch (err) {
          const error = deps.masker.mask((err as Error).message);
          failed.push({ key, error });
          deps.log?.error({ alert: key, pipeline: c.pipeline, source: c.source, err: error }, 'alert not delivered; it is tried again at the next evaluation');
        }
      }
      return { sent, failed };
    },
  };
}

