import type { AlertReason } from '../../config/alerts-config.js';

/** A condition an alert is about, as evaluated now: active (something is wrong) or cleared. */
export interface AlertCondition {
  readonly reason: AlertReason;
  readonly pipeline: string;
  /** For source alerts: the source and stream. */
  readonly source?: string;
  readonly stream?: string;
  /** True while the problem lasts; false once it cleared (this may resolve an open alert). */
  readonly active: boolean;
  /** What is wrong, for a person (secrets already masked). */
  readonly message: string;
  /** The run that showed it, when there is one. */
  readonly runId?: string;
}

/** What a webhook receives (as JSON) and a command reads on stdin. */
export interface AlertPayload {
  /** `firing` when the problem starts (or repeats), `resolved` when it clears. */
  readonly state: 'firing' | 'resolved';
  readonly reason: AlertReason;
  readonly pipeline: string;
  readonly source: string | null;
  readonly stream: string | null;
  /** De-duplication key: pipeline, source.stream and reason. */
  readonly key: string;
  readonly message: string;
  readonly runId: string | null;
  /** Link to the run in the Temporal UI, when its base URL is configured. */
  readonly temporalUrl: string | null;
  /** When the problem started. */
  readonly since: string;
  /** How many evaluations found it active so far. */
  readonly occurrences: number;
  readonly at: string;
}

/** The de-duplication key of a condition: one outage of one thing is one alert. */
export function alertKey(c: Pick<AlertCondition, 'pipeline' | 'source' | 'stream' | 'reason'>): string {
  return `${c.pipeline}/${c.source ? `${c.source}.${c.stream ?? '*'}` : '*'}/${c.reason}`;
}

/** The Temporal UI page of a workflow, e.g. `http://127.0.0.1:8233/namespaces/default/workflows/<id>`. */
export function temporalRunUrl(base: string | undefined, namespace: string, workflowId: string | undefined): string | null {
  if (!base || !workflowId) return null;
  return `${base.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
