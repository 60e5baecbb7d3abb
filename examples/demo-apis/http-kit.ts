import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';

/** Writes a JSON response (unless one was already started). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Reads a request body as text, refusing bodies over `limitBytes` (these APIs only take tiny forms). */
export async function readBody(req: IncomingMessage, limitBytes = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limitBytes) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Compares secrets in constant time, so even the demo does not teach timing leaks. */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** Optional one-line-per-request logger; the servers are silent without one. */
export type DemoLog = (line: string) => void;

/**
 * An HTTP server around `handler` that turns thrown errors into 500s and, given `log`, prints
 * one line per request.
 */
export function createDemoServer(name: string, handler: (req: IncomingMessage, res: ServerResponse) => unknown, log?: DemoLog): Server {
  const listener: RequestListener = (req, res) => {
    const started = performance.now();
    if (log) res.on('finish', () => log(`[${name}] ${req.method} ${req.url} ${res.statusCode} ${Math.round(performance.now() - started)}ms`));
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        log?.(`[${name}] ${req.method} ${req.url} failed: ${error instanceof Error ? error.stack : String(error)}`);
        if (res.headersSent) res.destroy();
        else sendJson(res, 500, { error: 'internal_error' });
      });
  };
  return createServer(listener);
}

/** Starts listening and resolves with the bound port (useful when `port` is 0). */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('server has no TCP address'));
      else resolve(address.port);
    });
  });
}

/** Stops accepting connections and drops idle keep-alive ones, so shutdown never hangs on a client's pool. */
export function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** The URL origin for a bound server; wildcard hosts are replaced by loopback so the URL is usable. */
export function originOf(host: string, port: number): string {
  const usable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${usable.includes(':') ? `[${usable}]` : usable}:${port}`;
}

/** The parsed request URL (path and query; the origin is a placeholder). */
export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://demo.invalid');
}
