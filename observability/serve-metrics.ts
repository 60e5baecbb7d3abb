import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TributaryMetrics } from './metrics.js';
import { sdkMetricsText } from './temporal-telemetry.js';

/**
 * Serves `GET /metrics` (Tributary's metrics plus the Temporal SDK's, see `installTelemetry`)
 * for a process without the access API, e.g. a standalone worker. Returns its URL and a close function.
 */
export async function serveMetrics(metrics: TributaryMetrics, opts: { host?: string; port: number }): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    void Promise.all([metrics.registry.metrics(), sdkMetricsText()]).then(
      ([ours, sdk]) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(ours + sdk),
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err.message}\n`),
    );
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}/metrics`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
