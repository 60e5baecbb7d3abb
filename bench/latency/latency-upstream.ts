import { type Server, createServer } from 'node:http';

/** The four shapes of the latency workload, as slow SaaS APIs page them. */
export const LATENCY_SHAPES = ['page_number', 'offset', 'parent_child', 'cursor'] as const;

/** One shape. */
export type LatencyShape = (typeof LATENCY_SHAPES)[number];

/** Requests per shape and what one concurrency-16 client could do at best. */
export const SHAPE_REQUESTS: Record<LatencyShape, { requests: number; serialOnly: boolean; records: number }> = {
  page_number: { requests: 400, serialOnly: false, records: 40_000 },
  offset: { requests: 400, serialOnly: false, records: 40_000 },
  // 3 pages of 100 parents, then 2 child pages of 10 children for each of 300 parents.
  parent_child: { requests: 603, serialOnly: false, records: 6_000 },
  cursor: { requests: 200, serialOnly: true, records: 20_000 },
};

/** What the upstream saw of one shape's requests. */
export interface ShapeLog {
  requests: number;
  maxInFlight: number;
  firstAt: number;
  lastDoneAt: number;
}

/** The latency upstream: every answer after `delayMs`, with a per-shape log of requests and in-flight counts. */
export interface LatencyUpstream {
  readonly url: string;
  readonly delayMs: number;
  log(shape: LatencyShape): ShapeLog;
  reset(): void;
  stop(): Promise<void>;
}

const record = (prefix: string, n: number) => ({ id: `${prefix}${n}`, email: `${prefix}${n}@example.com`, name: `Person ${n}`, plan: n % 3 ? 'pro' : 'free', updated_at: '2026-11-01T00:00:00Z' });

/**
 * Serves the shapes of issue-sized slow APIs, each answer after `delayMs` (150 ms):
 * - `/page_number?page&per_page` — 400 pages of 100, `{ data, total, total_pages }`;
 * - `/offset?offset&limit` — the same 40,000 records, `{ data, total }`;
 * - `/parents?page&per_page` — 300 parents, `{ data, total_pages }`; `/parents/:id/children?page` — 2 pages of 10, `{ data, next_page }`;
 * - `/cursor?cursor` — 200 pages of 100, `{ data, next }` (each cursor known only from the page before).
 */
export async function startLatencyUpstream(delayMs = 150): Promise<LatencyUpstream> {
  const logs = new Map<LatencyShape, ShapeLog & { inFlight: number }>();
  const entry = (shape: LatencyShape) => {
    let e = logs.get(shape);
    if (!e) logs.set(shape, (e = { requests: 0, maxInFlight: 0, inFlight: 0, firstAt: 0, lastDoneAt: 0 }));
    return e;
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = (k: string, d: number) => Number(url.searchParams.get(k) ?? d);
    let shape: LatencyShape | undefined;
    let body: unknown;
    if (url.pathname === '/page_number') {
      shape = 'page_number';
      const size = q('per_page', 100);
      const page = q('page', 1);
      const total = SHAPE_REQUESTS.page_number.records;
      body = { data: Array.from({ length: Math.max(0, Math.min(size, total - (page - 1) * size)) }, (_, i) => record('pn', (page - 1) * size + i)), total, total_pages: Math.ceil(total / size) };
    } else if (url.pathname === '/offset') {
      shape = 'offset';
      const offset = q('offset', 0);
      const total = SHAPE_REQUESTS.offset.records;
      body = { data: Array.from({ length: Math.max(0, Math.min(q('limit', 100), total - offset)) }, (_, i) => record('of', offset + i)), total };
    } else if (url.pathname === '/parents') {
      shape = 'parent_child';
      const size = q('per_page', 100);
      const page = q('page', 1);
      body = { data: Array.from({ length: Math.max(0, Math.min(size, 300 - (page - 1) * size)) }, (_, i) => ({ id: `p${(page - 1) * size + i}` })), total_pages: Math.ceil(300 / size) };
    } else if (/^\/parents\/[^/]+\/children$/.test(url.pathname)) {
      shape = 'parent_child';
      const parent = url.pathname.split('/')[2]!;
      const page = q('page', 1);
      body = { data: Array.from({ length: 10 }, (_, i) => ({ ...record(`${parent}-c`, (page - 1) * 10 + i), parent })), next_page: page < 2 ? page + 1 : null };
    } else if (url.pathname === '/cursor') {
      shape = 'cursor';
      const at = q('cursor', 0);
      const total = SHAPE_REQUESTS.cursor.records;
      body = { data: Array.from({ length: Math.min(100, total - at) }, (_, i) => record('cu', at + i)), next: at + 100 < total ? String(at + 100) : null };
    }
    if (!shape) {
      res.writeHead(404).end();
      return;
    }
    const e = entry(shape);
    e.requests++;
    e.inFlight++;
    e.maxInFlight = Math.max(e.maxInFlight, e.inFlight);
    if (e.firstAt === 0) e.firstAt = performance.now();
    const text = JSON.stringify(body);
    setTimeout(() => {
      e.inFlight--;
      res.writeHead(200, { 'content-type': 'application/json' }).end(text, () => {
        e.lastDoneAt = performance.now();
      });
    }, delayMs);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    delayMs,
    log: (shape) => {
      const { inFlight: _i, ...rest } = entry(shape);
      return { ...rest };
    },
    reset: () => logs.clear(),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}
