import { type Server, createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { spawnTs } from '../measure/child-process.js';

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

/** One request as the upstream saw it (epoch ms, fractional): for timelines of requests in flight. */
export interface RequestEvent {
  readonly path: string;
  readonly startAt: number;
  readonly doneAt: number;
}

/** The latency upstream: every answer after `delayMs`, with a per-shape log of requests and in-flight counts. */
export interface LatencyUpstream {
  readonly url: string;
  readonly delayMs: number;
  log(shape: LatencyShape): Promise<ShapeLog>;
  /** Every request since the last reset, in the order answered. */
  events(): Promise<RequestEvent[]>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** The control paths of the upstream process (see `serve-latency.ts`). */
const CONTROL = { log: '/_control/log/', events: '/_control/events', reset: '/_control/reset' } as const;

/**
 * The latency upstream in its own process, so its timers and JSON never share an event loop with
 * the worker under test (the worker's bench process hosts it; dlt runs apart either way).
 */
export async function spawnLatencyUpstream(delayMs = 150): Promise<LatencyUpstream> {
  const child = spawnTs(fileURLToPath(new URL('./serve-latency.ts', import.meta.url)), { env: { ...process.env, LATENCY_DELAY_MS: String(delayMs) } });
  const { url } = await child.waitForJson<{ url: string }>((v) => typeof v['url'] === 'string');
  const get = async <T>(path: string, method = 'GET'): Promise<T> => {
    const res = await fetch(`${url}${path}`, { method });
    if (!res.ok) throw new Error(`latency upstream control ${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    url,
    delayMs,
    log: (shape) => get<ShapeLog>(`${CONTROL.log}${shape}`),
    events: () => get<RequestEvent[]>(CONTROL.events),
    reset: async () => {
      await get(CONTROL.reset, 'POST');
    },
    stop: async () => {
      child.proc.kill('SIGTERM');
      await child.exited;
    },
  };
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
  const events: RequestEvent[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname.startsWith('/_control/')) {
      const answer = (value: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (url.pathname.startsWith(CONTROL.log)) {
        const { inFlight: _i, ...rest } = entry(url.pathname.slice(CONTROL.log.length) as LatencyShape);
        return answer(rest);
      }
      if (url.pathname === CONTROL.events) return answer(events);
      if (url.pathname === CONTROL.reset) {
        logs.clear();
        events.length = 0;
        return answer({ reset: true });
      }
    }
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
    const startAt = performance.timeOrigin + performance.now();
    setTimeout(() => {
      e.inFlight--;
      res.writeHead(200, { 'content-type': 'application/json' }).end(text, () => {
        e.lastDoneAt = performance.now();
        events.push({ path: req.url ?? '', startAt, doneAt: performance.timeOrigin + e.lastDoneAt });
      });
    }, delayMs);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    delayMs,
    log: async (shape) => {
      const { inFlight: _i, ...rest } = entry(shape);
      return { ...rest };
    },
    events: async () => [...events],
    reset: async () => {
      logs.clear();
      events.length = 0;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
  };
}
