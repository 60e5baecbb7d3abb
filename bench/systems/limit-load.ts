/**
 * The machine's limit: the least work that moves the same upstream pages into Postgres. Each
 * stream follows its cursor over a keep-alive connection (node:http), parses the page (the
 * cursor is in the body), and streams its records as `key <TAB> json` lines into a `COPY` on its
 * own Postgres connection, fetching the next page while the database ingests the last one. The
 * three streams run concurrently. No mapping, no merge, no upsert: a ceiling, not a competitor.
 *
 * Reads BENCH_UPSTREAM_URL, DATABASE_URL and BENCH_PAGE_SIZE; prints `{"done":true,...}`.
 */
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function fetchJson(url: string, body?: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: body ? 'POST' : 'GET', headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>);
        } catch (err) {
          reject(err as Error);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Stream {
  readonly table: string;
  readonly key: string;
  /** Fetches the page after `cursor`: its records and the next cursor. */
  page(cursor: string | null): Promise<{ records: Array<Record<string, unknown>>; next: string | null }>;
}

function streams(base: string, size: number): Stream[] {
  const q = (cursor: string | null) => `limit=${size}${cursor ? `&cursor=${cursor}` : ''}`;
  const query = 'query Customers($first: Int!, $after: String) { customers(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }';
  return [
    {
      table: 'raw_crm_contacts',
      key: 'id',
      async page(cursor) {
        const b = await fetchJson(`${base}/crm/contacts?${q(cursor)}`);
        return { records: b['data'] as Array<Record<string, unknown>>, next: (b['next_cursor'] as string | null) ?? null };
      },
    },
    {
      table: 'raw_billing_customers',
      key: 'customer_id',
      async page(cursor) {
        const b = await fetchJson(`${base}/billing/customers?${q(cursor)}`);
        return { records: b['customers'] as Array<Record<string, unknown>>, next: ((b['meta'] as { next_cursor?: string | null }).next_cursor as string | null) ?? null };
      },
    },
    {
      table: 'raw_support_customers',
      key: 'id',
      async page(cursor) {
        const b = await fetchJson(`${base}/support/graphql`, JSON.stringify({ query, variables: { first: size, after: cursor } }));
        const conn = (b['data'] as { customers: { edges: Array<{ node: Record<string, unknown> }>; pageInfo: { endCursor: string | null } } }).customers;
        return { records: conn.edges.map((e) => e.node), next: conn.pageInfo.endCursor };
      },
    },
  ];
}

async function load(url: string, stream: Stream): Promise<number> {
  const client = new pg.Client({ connectionString: url, application_name: 'bench-limit' });
  await client.connect();
  try {
    await client.query(`create table if not exists ${stream.table} (id text not null, payload jsonb not null)`);
    await client.query(`truncate ${stream.table}`);
    const copy = client.query(copyFrom(`copy ${stream.table} (id, payload) from stdin`));
    const finished = new Promise<void>((resolve, reject) => {
      copy.on('finish', resolve);
      copy.on('error', reject);
    });
    let n = 0;
    let next = stream.page(null);
    for (;;) {
      const page = await next;
      // Fetch the next page while this one is written.
      if (page.next) next = stream.page(page.next);
      // COPY text format: JSON escapes control characters, so only backslashes need doubling.
      const lines = page.records.map((r) => `${String(r[stream.key])}\t${JSON.stringify(r).replaceAll('\\', '\\\\')}\n`).join('');
      n += page.records.length;
      if (!copy.write(lines)) await new Promise((r) => copy.once('drain', r));
      if (!page.next) break;
    }
    copy.end();
    await finished;
    return n;
  } finally {
    await client.end();
  }
}

async function run(): Promise<void> {
  const base = process.env['BENCH_UPSTREAM_URL']!;
  const url = process.env['DATABASE_URL']!;
  const size = Number(process.env['BENCH_PAGE_SIZE'] ?? 250);
  const started = performance.now();
  const counts = await Promise.all(streams(base, size).map((s) => load(url, s)));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ done: true, records: counts.reduce((a, b) => a + b, 0), wallMs, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
  agent.destroy();
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
