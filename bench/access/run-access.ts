/**
 * The access API under load in `npm run bench`: 1M customer rows, 20 connections of autocannon
 * against the access API and against a minimal `node:http` + `pg` server running the same
 * queries (each in its own process, 16 database connections each), for keyed lookups and for
 * list pages (50 rows, default order, `updated_since`), idle and while a writer changes rows.
 */
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { ensureEntityTable } from '../../merge/write/entity-table.js';
import { createDatabase } from '../../store/create-database.js';
import { migrateToLatest } from '../../store/migrate.js';
import { spawnTs } from '../measure/child-process.js';
import { recreateDatabase } from '../measure/pg-stats.js';
import { accessBenchConfig } from './access-config.js';

/** Rows of the benchmark's entity table. */
export const ACCESS_ROWS = 1_000_000;
const CONNECTIONS = 20;
const DURATION_S = 10;

/** One measured load. */
export interface AccessResult {
  readonly server: 'tributary' | 'minimal';
  readonly workload: 'lookup' | 'list';
  readonly writing: boolean;
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

/** Loads the rows (once per database) and measures both servers under both workloads, idle and while writing. */
export async function runAccessWorkload(ctx: { databaseUrl: (name: string) => string; log: (msg: string) => void }): Promise<AccessResult[]> {
  const url = ctx.databaseUrl('bench_access');
  await recreateDatabase(ctx.databaseUrl('postgres'), 'bench_access');
  const db = createDatabase(url, { max: 4 });
  const results: AccessResult[] = [];
  try {
    await migrateToLatest(db);
    const config = accessBenchConfig();
    await ensureEntityTable(db, 'customer', config.entities.customer!);
    ctx.log(`access: loading ${ACCESS_ROWS} rows`);
    // Rows changed over the last ~11 days, one every second.
    await sql`
      insert into unified.customer (_key, email, name, plan, score, updated_at, _provenance, _sources, _first_seen, _last_changed, _last_run_id, _hash)
      select 'k' || lpad(i::text, 7, '0'), 'p' || i || '@example.com', 'Person ' || i, (array['free','pro','team'])[1 + i % 3], i % 1000,
        now() - make_interval(secs => i), '{}'::jsonb, array['crm'], now() - make_interval(secs => i), now() - make_interval(secs => ${ACCESS_ROWS} - i), 'bench', md5(i::text)
      from generate_series(1, ${ACCESS_ROWS}) as i`.execute(db);
    await sql`analyze unified.customer`.execute(db);
    const oldest = Date.now() - ACCESS_ROWS * 1000;
    const randomKey = () => `k${String(1 + Math.floor(Math.random() * ACCESS_ROWS)).padStart(7, '0')}`;
    const randomSince = () => new Date(oldest + Math.random() * (ACCESS_ROWS - 100) * 1000).toISOString();
    for (const server of ['tributary', 'minimal'] as const) {
      const child = spawnTs(fileURLToPath(new URL('./access-servers.ts', import.meta.url)), { env: { ...process.env, BENCH_DATABASE_URL: url, BENCH_ACCESS_SERVER: server } });
      const { url: base } = await child.waitForJson<{ url: string }>((v) => typeof v['url'] === 'string');
      try {
        for (const writing of [false, true]) {
          const writer = writing ? startWriter(url) : undefined;
          try {
            for (const workload of ['lookup', 'list'] as const) {
              const path = workload === 'lookup' ? () => `/v1/entities/customer/${randomKey()}` : () => `/v1/entities/customer?limit=50&updated_since=${encodeURIComponent(randomSince())}`;
              // A short warm-up: the first requests pay for connections and plans.
              await load(base, path, 2);
              const r = await load(base, path, DURATION_S);
              const result: AccessResult = { server, workload, writing, requestsPerSec: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors + r.non2xx };
              results.push(result);
              ctx.log(`access ${server} ${workload}${writing ? ' while writing' : ''}: ${Math.round(result.requestsPerSec)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.errors} errors`);
            }
          } finally {
            await writer?.stop();
          }
        }
      } finally {
        child.proc.kill('SIGTERM');
        await child.exited;
      }
    }
  } finally {
    await db.destroy();
  }
  return results;
}

function load(base: string, path: () => string, seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: base,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, path: path() }) }],
  });
}

/** Changes 2,000 random rows per statement, one statement after another, as a merge writing the table would. */
function startWriter(url: string): { stop(): Promise<void> } {
  const db = createDatabase(url, { max: 1 });
  let running = true;
  const loop = (async () => {
    while (running) {
      await sql`update unified.customer set score = score + 1, _last_changed = now(), _hash = md5(random()::text)
        where _key in (select 'k' || lpad((1 + floor(random() * ${ACCESS_ROWS}))::int::text, 7, '0') from generate_series(1, 2000))`.execute(db);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await db.destroy();
    },
  };
}

/** The markdown section of the access benchmark. */
export function renderAccess(results: readonly AccessResult[]): string {
  const get = (server: AccessResult['server'], workload: AccessResult['workload'], writing: boolean) => results.find((r) => r.server === server && r.workload === workload && r.writing === writing);
  const lines = [
    `${ACCESS_ROWS.toLocaleString('en')} entity rows; autocannon, ${CONNECTIONS} connections, ${DURATION_S} s each; servers in their own processes with 16 database connections each. "Lookup" is \`GET /v1/entities/customer/<random key>\`, "list" a page of 50 in the default order with a random \`updated_since\`. "While writing" runs a writer that changes 2,000 random rows per statement back to back (standing in for a merge).`,
    '',
    '| workload | Tributary req/s | p50 | p99 | minimal node:http + pg req/s | p99 | Tributary / minimal |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const writing of [false, true]) {
    for (const workload of ['lookup', 'list'] as const) {
      const t = get('tributary', workload, writing);
      const m = get('minimal', workload, writing);
      if (!t || !m) continue;
      lines.push(`| ${workload}${writing ? ', while writing' : ', idle'} | ${Math.round(t.requestsPerSec)} | ${t.p50Ms} ms | ${t.p99Ms} ms | ${Math.round(m.requestsPerSec)} | ${m.p99Ms} ms | ${(t.requestsPerSec / m.requestsPerSec).toFixed(2)}x |`);
    }
  }
  return lines.join('\n');
}
