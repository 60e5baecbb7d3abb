import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A record the scheme server pages through. */
export interface Item {
  readonly id: number;
  readonly name: string;
  readonly updated_at: string;
}

/** The credentials the server accepts. */
export const creds = {
  apiKey: 'key-7f3a9c2e',
  bearer: 'bearer-4c1d8e7b',
  user: 'alice',
  password: 'pw-9b2e6f1a',
  clientId: 'client-1',
  clientSecret: 'secret-5d8a3f0c',
  loginUser: 'bob',
  loginPassword: 'login-pw-3e7c1a9d',
  initialRefresh: 'refresh-0',
};

/** A request the server saw (for asserting headers on cross-origin links). */
export interface SeenRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
}

/** A running scheme server and the knobs tests turn. */
export interface SchemeServer {
  readonly url: string;
  readonly items: Item[];
  readonly seen: SeenRequest[];
  /** Counters and fault switches. */
  readonly state: {
    failNext: number;
    rateLimitNext: number;
    retryAfterSeconds: number;
    truncateNext: number;
    tokenTtlSeconds: number;
    tokensIssued: number;
    refreshUsed: Set<string>;
    refreshReused: number;
    currentRefresh: string;
    validAccess: Set<string>;
    sessions: Set<string>;
    logins: number;
    otherOrigin: string;
  };
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

/**
 * A local HTTP API emulating every REST auth and pagination scheme over one data set of
 * `count` items, with fault injection (5xx bursts, 429 with Retry-After, truncated bodies).
 */
export async function startSchemeServer(count = 23): Promise<SchemeServer> {
  const items: Item[] = Array.from({ length: count }, (_, i) => ({ id: i + 1, name: `item ${i + 1}`, updated_at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }));
  const seen: SeenRequest[] = [];
  const state: SchemeServer['state'] = {
    failNext: 0,
    rateLimitNext: 0,
    retryAfterSeconds: 1,
    truncateNext: 0,
    tokenTtlSeconds: 3600,
    tokensIssued: 0,
    refreshUsed: new Set(),
    refreshReused: 0,
    currentRefresh: creds.initialRefresh,
    validAccess: new Set(),
    sessions: new Set(),
    logins: 0,
    otherOrigin: '',
  };
  const accounts = [{ id: 'a1' }, { id: 'a2' }, { id: 'a3' }];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    const p = url.pathname;
    seen.push({ path: p + url.search, headers: req.headers });
    const body = req.method === 'POST' ? await readBody(req) : '';
    const num = (name: string, d: number) => (q.has(name) ? Number(q.get(name)) : d);

    if (state.failNext > 0 && p.startsWith('/flaky')) {
      state.failNext--;
      return json(res, 503, { error: 'upstream unavailable' });
    }
    if (state.rateLimitNext > 0 && p.startsWith('/limited')) {
      state.rateLimitNext--;
      return json(res, 429, { error: 'slow down' }, { 'retry-after': String(state.retryAfterSeconds) });
    }
    if (p.startsWith('/truncated') && state.truncateNext > 0) {
      state.truncateNext--;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"items":[{"id":1,"na');
      setTimeout(() => res.destroy(), 20);
      return;
    }

    // Auth checks.
    if (p.startsWith('/auth/')) {
      const ok =
        (p === '/auth/apikey-header' && req.headers['x-api-key'] === creds.apiKey) ||
        (p === '/auth/apikey-query' && q.get('api_key') === creds.apiKey) ||
        (p === '/auth/bearer' && req.headers.authorization === `Bearer ${creds.bearer}`) ||
        (p === '/auth/basic' && req.headers.authorization === `Basic ${Buffer.from(`${creds.user}:${creds.password}`).toString('base64')}`) ||
        (p === '/auth/headers' && req.headers['x-tenant'] === 't1' && req.headers['x-secret'] === creds.apiKey) ||
        (p === '/auth/oauth' && state.validAccess.has(String(req.headers.authorization).replace('Bearer ', ''))) ||
        (p === '/auth/session' && state.sessions.has(String(req.headers['x-session'])));
      if (!ok) return json(res, 401, { error: 'unauthorized', got: req.headers['x-api-key'] ?? q.get('api_key') ?? null });
      return json(res, 200, { items: page(items, num('page', 1), 10), total: items.length });
    }
    if (p === '/oauth/token') {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') === 'client_credentials') {
        const basic = Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64');
        if (req.headers.authorization !== `Basic ${basic}`) return json(res, 401, { error: 'invalid_client' });
      } else if (form.get('grant_type') === 'refresh_token') {
        const rt = form.get('refresh_token') ?? '';
        if (form.get('client_id') !== creds.clientId) return json(res, 401, { error: 'invalid_client' });
        if (state.refreshUsed.has(rt) || rt !== state.currentRefresh) {
          state.refreshReused++;
          return json(res, 400, { error: 'invalid_grant', error_description: `refresh token ${rt} already used` });
        }
        state.refreshUsed.add(rt);
        state.currentRefresh = `refresh-${state.refreshUsed.size}`;
      } else return json(res, 400, { error: 'unsupported_grant_type' });
      const token = `access-${++state.tokensIssued}-${Math.random().toString(36).slice(2, 8)}`;
      state.validAccess.add(token);
      if (state.tokenTtlSeconds < 3600) setTimeout(() => state.validAccess.delete(token), state.tokenTtlSeconds * 1000).unref();
      return json(res, 200, { access_token: token, token_type: 'bearer', expires_in: state.tokenTtlSeconds, ...(form.get('grant_type') === 'refresh_token' ? { refresh_token: state.currentRefresh } : {}) });
    }
    if (p === '/login') {
      const b = JSON.parse(body || '{}') as { user?: string; password?: string };
      if (b.user !== creds.loginUser || b.password !== creds.loginPassword) return json(res, 403, { error: 'bad login' });
      state.logins++;
      const token = `sess-${state.logins}`;
      state.sessions.add(token);
      return json(res, 200, { session: { token } });
    }

    // Pagination schemes (all over `items`).
    if (p === '/page' || p === '/flaky/page' || p === '/limited/page' || p === '/truncated/page') {
      const size = num('per_page', 10);
      const pg = num('page', 1);
      return json(res, 200, { items: page(items, pg, size), total_pages: Math.ceil(items.length / size), total: items.length });
    }
    if (p === '/page-post') {
      const b = JSON.parse(body || '{}') as { page?: number; size?: number };
      return json(res, 200, { items: page(items, b.page ?? 1, b.size ?? 10), has_more: (b.page ?? 1) * (b.size ?? 10) < items.length });
    }
    if (p === '/offset') {
      const offset = num('offset', 0);
      const limit = num('limit', 10);
      return json(res, 200, { items: items.slice(offset, offset + limit), offset, limit, total: items.length });
    }
    if (p === '/cursor' || p === '/cursor-post') {
      const cursor = p === '/cursor' ? q.get('cursor') : ((JSON.parse(body || '{}') as { after?: string }).after ?? null);
      const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
      const next = start + 10 < items.length ? Buffer.from(String(start + 10)).toString('base64url') : null;
      return json(res, 200, { data: items.slice(start, start + 10), meta: { next_cursor: next } });
    }
    if (p === '/next-url') {
      const pg = num('page', 1);
      const more = pg * 10 < items.length;
      return json(res, 200, { results: page(items, pg, 10), links: { next: more ? `/next-url?page=${pg + 1}` : null } });
    }
    if (p === '/link') {
      const pg = num('page', 1);
      const more = pg * 10 < items.length;
      res.writeHead(200, { 'content-type': 'application/json', ...(more ? { link: `<http://${req.headers.host}/link?page=${pg + 1}>; rel="next"` } : {}) });
      return res.end(JSON.stringify(page(items, pg, 10)));
    }
    if (p === '/cross-origin') {
      return json(res, 200, { results: page(items, 1, 10), next: `${state.otherOrigin}/stolen?page=2` });
    }
    if (p === '/stolen') return json(res, 200, { results: [] });
    // Redirects that keep the query (an API key in it travels along unless the client strips it).
    if (p === '/redirect-away') {
      res.writeHead(302, { location: `${state.otherOrigin}/stolen${url.search}` });
      return res.end();
    }
    if (p === '/redirect-home') {
      res.writeHead(307, { location: `/redirect-target${url.search}` });
      return res.end();
    }
    if (p === '/redirect-target') return json(res, 200, { results: page(items, 1, 3) });
    if (p === '/short-total') return json(res, 200, { items: items.slice(0, 5), total: 40 });
    if (p === '/html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end('<!doctype html><html><head><title>Maintenance</title></head><body><h1>Back soon</h1></body></html>');
    }
    if (p === '/bad-json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"items": [1, 2,, 3]}');
    }
    if (p === '/echo-key') return json(res, 400, { error: `invalid key ${String(req.headers['x-api-key'])}` });
    if (p === '/accounts') return json(res, 200, { accounts });
    const contacts = /^\/accounts\/([^/]+)\/contacts$/.exec(p);
    if (contacts) {
      const acc = contacts[1]!;
      const pg = num('page', 1);
      const all = acc === 'a2' ? [] : [1, 2, 3].map((n) => ({ id: `${acc}-c${n}`, name: `contact ${n} of ${acc}` }));
      return json(res, 200, { contacts: page(all, pg, 2) });
    }
    if (p === '/incremental') {
      const since = q.get('since');
      const list = since ? items.filter((i) => i.updated_at > since) : items;
      return json(res, 200, { items: list });
    }
    return json(res, 404, { error: `no route ${p}` });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    items,
    seen,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function page<T>(all: readonly T[], pageNumber: number, size: number): T[] {
  return all.slice((pageNumber - 1) * size, pageNumber * size);
}
