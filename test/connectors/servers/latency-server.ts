import { type Server, createServer } from 'node:http';

/** A request as the latency server logged it. */
export interface LoggedRequest {
  readonly path: string;
  /** When it arrived (epoch ms). */
  readonly at: number;
  /** Requests in flight when this one arrived, itself included. */
  readonly inFlight: number;
}

/** An upstream that answers every request after a delay and records how many were in flight. */
export interface LatencyServer {
  readonly url: string;
  readonly log: LoggedRequest[];
  /** The most requests in flight at once since the last `reset`. */
  readonly maxInFlight: number;
  /** Answer delay in ms; change at any time. */
  delayMs: number;
  /** Answer delay of the parent list (`/parents`), when it should differ. */
  parentDelayMs: number | undefined;
  /** Answer `/parents` pages from this page on with a 401 (a parent stream that fails mid-way, for good). */
  failParentsFrom: number | undefined;
  /** A `total` the parent list reports (more than it has: the parent stream ends short of it). */
  parentsTotal: number | undefined;
  /** The item records (ids `i000`..), served by every list endpoint. */
  readonly items: ReadonlyArray<{ id: string; n: number }>;
  reset(): void;
  stop(): Promise<void>;
}

/**
 * Serves `total` items four ways, every answer after `delayMs`:
 * - `/pages?page&per_page` — `{ data, total_pages, total }` (page-number, page count known);
 * - `/offset?offset&limit` — `{ data, total }`;
 * - `/cursor?cursor` — `{ data, next }` (10 per page);
 * - `/parents?page` — `{ data, total_pages }` of `parents` parents (10 per page), and
 *   `/parents/:id/items?page` — two pages of two child items per parent, with `next_page`.
 */
export async function startLatencyServer(opts: { total: number; parents?: number; delayMs: number }): Promise<LatencyServer> {
  const items = Array.from({ length: opts.total }, (_, n) => ({ id: `i${String(n).padStart(4, '0')}`, n }));
  const parents = Array.from({ length: opts.parents ?? 0 }, (_, n) => ({ id: `p${String(n).padStart(4, '0')}` }));
  let inFlight = 0;
  const state = { max: 0 };
  const server: Server = createServer((req, res) => {
    inFlight++;
    state.max = Math.max(state.max, inFlight);
    const url = new URL(req.url ?? '/', 'http://x');
    api.log.push({ path: `${url.pathname}${url.search}`, at: Date.now(), inFlight });
    const q = (k: string, d: number) => Number(url.searchParams.get(k) ?? d);
    let body: unknown = { error: 'not_found' };
    let status = 200;
    if (url.pathname === '/pages') {
      const size = q('per_page', 10);
      const page = q('page', 1);
      body = { data: items.slice((page - 1) * size, page * size), total_pages: Math.ceil(items.length / size), total: items.length };
    } else if (url.pathname === '/offset') {
      const offset = q('offset', 0);
      body = { data: items.slice(offset, offset + q('limit', 10)), total: items.length };
    } else if (url.pathname === '/cursor') {
      const at = q('cursor', 0);
      body = { data: items.slice(at, at + 10), next: at + 10 < items.length ? String(at + 10) : null };
    } else if (url.pathname === '/parents') {
      const page = q('page', 1);
      body = { data: parents.slice((page - 1) * 10, page * 10), total_pages: Math.ceil(parents.length / 10) };
      if (api.parentsTotal !== undefined) body = { ...(body as object), total: api.parentsTotal };
      if (api.failParentsFrom !== undefined && page >= api.failParentsFrom) [status, body] = [401, { error: 'token revoked' }];
    } else if (/^\/parents\/[^/]+\/items$/.test(url.pathname)) {
      const parent = url.pathname.split('/')[2]!;
      const page = q('page', 1);
      body = { data: [0, 1].map((k) => ({ id: `${parent}-${page}-${k}`, parent })), next_page: page < 2 ? page + 1 : null };
    } else status = 404;
    setTimeout(() => {
      inFlight--;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }, url.pathname === '/parents' ? (api.parentDelayMs ?? api.delayMs) : api.delayMs);
  });
  const api: LatencyServer = {
    url: '',
    log: [],
    get maxInFlight() {
      return state.max;
    },
    delayMs: opts.delayMs,
    parentDelayMs: undefined,
    failParentsFrom: undefined,
    parentsTotal: undefined,
    items,
    reset() {
      api.log.length = 0;
      state.max = 0;
    },
    stop: async () => {},
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return Object.assign(api, {
    url: `http://127.0.0.1:${address.port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  });
}
