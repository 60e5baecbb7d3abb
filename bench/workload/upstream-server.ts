import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BenchSource, type SourceShape, recordOf, shapeOf } from './records.js';

/**
 * The bench's upstream APIs on one loopback port, all three systems reading the same pages:
 *
 * - `GET /crm/contacts?limit=&cursor=` → `{ data: [...], next_cursor }` (REST, cursor)
 * - `GET /billing/customers?limit=&cursor=` → `{ customers: [...], meta: { next_cursor } }` (REST, cursor)
 * - `POST /support/graphql` with `{ query, variables: { first, after } }` → a Relay connection at
 *   `data.customers` (`edges[].node`, `pageInfo { hasNextPage endCursor }`, `totalCount`)
 * - `POST /_control` with `{ total?, generation? }` sets the data set; `GET /_control` reads it.
 *
 * The GraphQL endpoint answers the one Relay query shape the bench sends without a GraphQL
 * executor, so the server spends about a microsecond per record and the clients are measured.
 */
export interface UpstreamState {
  total: number;
  generation: number;
  requests: number;
}

const MAX_PAGE = 1000;

function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string | null | undefined): number {
  if (!cursor) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new Error(`bad cursor ${cursor}`);
  return Number(m[1]);
}

function page(source: BenchSource, shape: SourceShape, offset: number, limit: number, generation: number): { records: unknown[]; next: string | null } {
  const end = Math.min(shape.count, offset + Math.min(Math.max(limit, 1), MAX_PAGE));
  const records: unknown[] = [];
  for (let i = offset; i < end; i++) records.push(recordOf(source, shape, i, generation));
  return { records, next: end < shape.count ? encodeCursor(end) : null };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(state: UpstreamState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const shapes = shapeOf(state.total);
  if (url.pathname === '/_control') {
    if (req.method === 'POST') Object.assign(state, JSON.parse(await readBody(req)) as Partial<UpstreamState>);
    return send(res, 200, state);
  }
  state.requests++;
  const limit = Number(url.searchParams.get('limit') ?? '100');
  if (req.method === 'GET' && url.pathname === '/crm/contacts') {
    const p = page('crm', shapes.crm, decodeCursor(url.searchParams.get('cursor')), limit, state.generation);
    return send(res, 200, { data: p.records, next_cursor: p.next });
  }
  if (req.method === 'GET' && url.pathname === '/billing/customers') {
    const p = page('billing', shapes.billing, decodeCursor(url.searchParams.get('cursor')), limit, state.generation);
    return send(res, 200, { customers: p.records, meta: { next_cursor: p.next, total: shapes.billing.count } });
  }
  if (req.method === 'POST' && url.pathname === '/support/graphql') {
    const body = JSON.parse(await readBody(req)) as { query?: string; variables?: { first?: number; after?: string | null } };
    if (!body.query?.includes('customers')) return send(res, 200, { errors: [{ message: 'the bench server only answers the customers query' }] });
    const p = page('support', shapes.support, decodeCursor(body.variables?.after), body.variables?.first ?? 100, state.generation);
    return send(res, 200, {
      data: { customers: { totalCount: shapes.support.count, pageInfo: { hasNextPage: p.next !== null, endCursor: p.next }, edges: p.records.map((node) => ({ node })) } },
    });
  }
  send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
}

/** Starts the upstream APIs on 127.0.0.1 (`port` 0 picks a free one). */
export async function startUpstreamServer(port = 0): Promise<{ url: string; state: UpstreamState; close(): Promise<void> }> {
  const state: UpstreamState = { total: 0, generation: 0, requests: 0 };
  const server = createServer((req, res) => {
    handle(state, req, res).catch((err: unknown) => send(res, 400, { error: (err as Error).message }));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
