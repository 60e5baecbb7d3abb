import { spawn } from 'node:child_process';
import type { AlertsConfig } from '../../config/alerts-config.js';
import type { SecretResolver } from '../../secrets/resolve-secret.js';
import type { SecretMasker } from '../../secrets/secret-masker.js';
import type { AlertPayload } from './alert.js';

/** Delivers one alert somewhere; throws when it could not. */
export type AlertSink = (alert: AlertPayload) => Promise<void>;

/** Thrown when an alert could not be delivered; the alert stays due and is tried again. */
export class AlertDeliveryError extends Error {
  /** Stable error code. */
  readonly code = 'ALERT_DELIVERY_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlertDeliveryError';
  }
}

/**
 * POSTs the alert as JSON (`content-type: application/json`) to the configured URL, with the
 * configured headers; URL and header values may be secret references. Any non-2xx answer or
 * network error is an `AlertDeliveryError` naming the status, never the secret URL.
 */
export function webhookSink(cfg: NonNullable<AlertsConfig['webhook']>, deps: { secrets: SecretResolver; masker: SecretMasker }): AlertSink {
  return async (alert) => {
    const url = await deps.secrets.resolve(cfg.url);
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'tributary-alerts/0.1' };
    for (const [name, value] of Object.entries(cfg.headers)) headers[name] = await deps.secrets.resolve(value);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(alert), signal: AbortSignal.timeout(cfg.timeoutMs) });
    } catch (err) {
      throw new AlertDeliveryError(`alert webhook ${shown(cfg.url, deps.masker, url)} unreachable: ${deps.masker.mask((err as Error).message)}`, { cause: err });
    }
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new AlertDeliveryError(`alert webhook ${shown(cfg.url, deps.masker, url)} answered ${response.status}`);
  };
}

/**
 * Runs the configured command (no shell) with the alert as JSON on stdin and in the
 * `TRIBUTARY_ALERT` environment variable; a non-zero exit or a timeout is an `AlertDeliveryError`.
 */
export function commandSink(cfg: NonNullable<AlertsConfig['command']>, deps: { masker: SecretMasker }): AlertSink {
  return (alert) =>
    new Promise<void>((resolve, reject) => {
      const json = JSON.stringify(alert);
      const [program, ...args] = cfg.argv;
      const child = spawn(program!, args, { env: { ...process.env, TRIBUTARY_ALERT: json }, stdio: ['pipe', 'ignore', 'pipe'], timeout: cfg.timeoutMs });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 2000) stderr += chunk.toString('utf8');
      });
      child.once('error', (err) => reject(new AlertDeliveryError(`alert command ${program} could not start: ${err.message}`, { cause: err })));
      child.once('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new AlertDeliveryError(`alert command ${program} ${signal ? `was stopped by ${signal}` : `exited with ${code}`}: ${deps.masker.mask(stderr.trim().slice(0, 500))}`));
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(json);
    });
}

function shown(ref: string, masker: SecretMasker, url: string): string {
  if (ref.startsWith('env:') || ref.startsWith('file:')) return `(${ref})`;
  try {
    return new URL(masker.mask(url)).origin;
  } catch {
    return '(invalid URL)';
  }
}
