import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';

/** How long after a 429 a request may still arrive that was sent before the client could see it (loopback). */
const IN_FLIGHT_MS = 50;

/** A fault the server injects into one response. */
export type Fault = 'none' | '500' | '502_html' | '429' | 'half_body' | 'reset' | 'slow';

/** The server's knobs: data, page cap, fault schedule and credentials. */
export interface FaultServerOptions {
  /** Records (as exact JSON text, so ids above 2^53 are served as written). */
  readonly records: readonly string[];
  /** Largest page served, whatever `limit` asks for (a silent cap). */
  readonly pageCap: number;
  /** The fault of the n-th request (cycled); 'none' when shorter. */
  readonly faults: readonly Fault[];
  /** Reported in `total`; defaults to the record count (larger: the server says more exist than it serves). */
  readonly reportedTotal?: number;
  /** The basic-auth pair accepted; other credentials get a 401 that echoes the request headers. */
  readonly basic?: { user: string; password: string };
  /** Seconds of Retry-After on a 429. */
  readonly retryAfterSeconds?: number;
  /** How long a slow response takes, in ms. */
  readonly slowMs?: number;
}

/**
 * The page a request asks for, in the scheme its path names (records as their exact text):
 *
 * | path | scheme | body |
 * |---|---|---|
 * | `/items?offset=&limit=` | offset | `{"total": n, "items": [...]}` |
 * | `/pages?page=&per_page=` | page number (from 1) | `{"total": n, "items": [...]}` |
 * | `/cursor?cursor=&limit=` | cursor | `{"items": [...], "next_cursor": "c40" \| null}` |
 * | `/link?after=&limit=` | RFC 8288 Link header | `[...]` |
 * | `POST /graphql` (`first`, `after`) | Relay | `{"data": {"items": {"totalCount", "edges", "pageInfo"}}}` |
 *
 * Every scheme serves at most `pageCap` records a page, whatever the request asks for.
 */
async function pageOf(req: IncomingMessage, url: URL, opts: FaultServerOptions): Promise<{ body: string; headers: Record<string, string> }> {
  const total = opts.reportedTotal ?? opts.records.length;
  const slice = (start: number, size: number) => opts.records.slice(start, start + Math.min(size, opts.pageCap));
  const q = (name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);
  switch (url.pathname) {
    case '/pages': {
      const size = Math.min(q('per_page', 100), opts.pageCap);
      return { body: `{"total": ${total}, "items": [${slice((q('page', 1) - 1) * size, size).join(', ')}]}`, headers: {} };
    }
    case '/cursor': {
      const start = Number((url.searchParams.get('cursor') ?? 'c0').slice(1));
      const page = slice(start, q('limit', 100));
      const next = start + page.length < opts.records.length ? `"c${start + page.length}"` : 'null';
      return { body: `{"items": [${page.join(', ')}], "next_cursor": ${next}}`, headers: {} };
    }
    case '/link': {
      const start = q('after', 0);
      const page = slice(start, q('limit', 100));
      const more = start + page.length < opts.records.length;
      return { body: `[${page.join(',\n')}]`, headers: more ? { link: `</link?after=${start + page.length}&limit=${q('limit', 100)}>; rel="next"` } : {} };
    }
    case '/graphql': {
      let text = '';
      for await (const chunk of req) text += String(chunk);
      const { first = 50, after = null } = ((JSON.parse(text || '{}') as { variables?: { first?: number; after?: string | null } }).variables ?? {});
      const start = after ? Number(after) : 0;
      const page = slice(start, first);
      const end = start + page.length;
      const edges = page.map((node, i) => `{"cursor": "${start + i + 1}", "node": ${node}}`).join(', ');
      return { body: `{"data": {"items": {"totalCount": ${total}, "edges": [${edges}], "pageInfo": {"hasNextPage": ${end < opts.records.length}, "endCursor": "${end}"}}}}`, headers: {} };
    }
    default: {
      const page = slice(q('offset', 0), q('limit', 100));
      return { body: `{"total": ${total}, "items": [${page.join(', ')}]}`, headers: {} };
    }
  }
}

/** A running fault server and what it saw. */
export interface FaultServer {
  readonly url: string;
  /** The options in force; a test may change `reportedTotal` or `faults` between runs. */
  readonly options: { -readonly [K in keyof FaultServerOptions]: FaultServerOptions[K] };
  /**
   * Requests that arrived while a Retry-After was still running, more than `IN_FLIGHT_MS` after
   * it was sent (each answered 429 again). Earlier ones were already on their way when the 429
   * left: no client can take those back.
   */
  readonly violations: number;
  readonly requests: number;
  close(): Promise<void>;
}

/**
 * A paginated API in five schemes (see `pageOf`) that injects a deterministic schedule of faults: 500, 502 with an HTML page, 429 with an
 * enforced Retry-After (an early request is counted as a violation and refused again), a 200
 * whose body stops halfway, a connection reset mid-body and a response slower than the client's
 * timeout. It caps pages silently and can echo request headers in its 401 body.
 */
export async function startFaultServer(initial: FaultServerOptions): Promise<FaultServer> {
  const opts = { ...initial };
  let n = 0;
  let violations = 0;
  let blockedUntil = 0;
  let blockedAt = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (opts.basic) {
      const expected = `Basic ${Buffer.from(`${opts.basic.user}:${opts.basic.password}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'unauthorized', request_headers: req.headers }));
        return;
      }
    }
    if (Date.now() < blockedUntil) {
      if (Date.now() - blockedAt > IN_FLIGHT_MS) violations++;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(Math.ceil((blockedUntil - Date.now()) / 1000)) });
      res.end('{"error":"too early"}');
      return;
    }
    const fault = opts.faults[n++ % Math.max(1, opts.faults.length)] ?? 'none';
    const { body, headers } = await pageOf(req, url, opts);
    switch (fault) {
      case '500':
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"internal"}');
        return;
      case '502_html':
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<html><head><title>502 Bad Gateway</title></head><body>upstream gone</body></html>');
        return;
      case '429': {
        const seconds = opts.retryAfterSeconds ?? 1;
        blockedAt = Date.now();
        blockedUntil = blockedAt + seconds * 1000;
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(seconds) });
        res.end('{"error":"slow down"}');
        return;
      }
      case 'half_body':
        // Status 200, no length: the body simply ends early.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body.slice(0, Math.floor(body.length / 2)));
        return;
      case 'reset':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
        res.write(body.slice(0, Math.floor(body.length / 3)));
        setTimeout(() => req.socket.destroy(), 5);
        return;
      case 'slow':
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(body);
        }, opts.slowMs ?? 1500);
        return;
      default:
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(body);
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    options: opts,
    get violations() {
      return violations;
    },
    get requests() {
      return n;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
