import { DefaultLogger, type LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from './logger.js';
import { compactSdkMeta } from './sdk-log-meta.js';

let installed: { sdkMetricsUrl?: string } | undefined;

/**
 * Installs the Temporal SDK's Runtime once per process: its logs (workflow, activity and
 * core) are forwarded to pino at `level` and above, and, with `metricsAddress`
 * (`127.0.0.1:9464`), the SDK's own Prometheus metrics (`temporal_*`: task latencies, slots,
 * polls, sticky cache) are exported there; `sdkMetricsText` reads them so one `/metrics` shows
 * both. Returns false when another Runtime was installed first (that one stays).
 */
export function installTelemetry(opts: { log: Logger; level?: LogLevel; metricsAddress?: string | undefined }): boolean {
  if (installed) return false;
  const level = opts.level ?? 'WARN';
  const forward = (entry: { level: LogLevel; message: string; meta?: Record<string, unknown> }) => {
    const method = ({ TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const)[entry.level];
    opts.log[method]({ ...compactSdkMeta(entry.meta), component: 'temporal' }, entry.message);
  };
  try {
    Runtime.install({
      logger: new DefaultLogger(level, forward),
      ...(opts.metricsAddress ? { telemetryOptions: { metrics: { prometheus: { bindAddress: opts.metricsAddress } } } } : {}),
    });
  } catch {
    return false;
  }
  installed = opts.metricsAddress ? { sdkMetricsUrl: `http://${opts.metricsAddress}/metrics` } : {};
  return true;
}

/** The Temporal SDK's metrics as Prometheus text ('' when not exported or not reachable). */
export async function sdkMetricsText(): Promise<string> {
  const url = installed?.sdkMetricsUrl;
  if (!url) return '';
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok ? `\n${await res.text()}` : '';
  } catch {
    return '';
  }
}
