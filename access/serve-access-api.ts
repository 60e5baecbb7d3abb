import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/** A running HTTP server for the access API. */
export interface AccessServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `app` on `host:port` (port 0 picks a free one). */
export async function serveAccessApi(app: { fetch: (request: Request) => Response | Promise<Response> }, opts: { host?: string; port?: number } = {}): Promise<AccessServer> {
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port: opts.port ?? 0 }, (info: AddressInfo) => {
      resolve({
        url: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
    server.once('error', reject);
  });
}
