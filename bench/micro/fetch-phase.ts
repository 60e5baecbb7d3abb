/**
 * Micro-benchmark of the fetch phase without Temporal: the bench's three streams (two REST, one
 * GraphQL) fetched in parallel from the bench's upstream server (its own process) and staged,
 * in chunks of the `syncStream` workflow's size, by the same code the fetch activity runs
 * (`fetchChunk`). Runs the load twice (a first run and a rerun over the same data, as the
 * bench's unchanged rerun does) and prints, per record, the wall time and the CPU time of this
 * process (the worker's share), of the Postgres backends and of the upstream server. Its
 * database (`tributary_micro_fetch`) is made fresh for the run and dropped at the end.
 *
 * ```sh
 * npx tsx bench/micro/fetch-phase.ts                       # system Postgres at 127.0.0.1:5432
 * DATABASE_URL=postgres://... npx tsx bench/micro/fetch-phase.ts --records 300000
 * node --max-old-space-size=512 --max-semi-space-size=16 --import tsx bench/micro/fetch-phase.ts   # with the worker's V8 flags
 * node --max-old-space-size=512 --max-semi-space-size=16 --trace-gc --import tsx bench/micro/fetch-phase.ts | grep -c Mark-Compact
 * ```
 */
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../config/load-config.js';
import { createTokenCache } from '../../connectors/auth/token-cache.js';
import { createHttpClient } from '../../connectors/http/http-client.js';
import { createRateLimiterRegistry } from '../../connectors/rate-limit/rate-limiter.js';
import { createSecretResolver } from '../../secrets/resolve-secret.js';
import { createSecretMasker } from '../../secrets/secret-masker.js';
import { fetchChunk } from '../../ingest/fetch-chunk.js';
import { connectDatabase } from '../../store/create-database.js';
import { migrateToLatest } from '../../store/migrate.js';
import { createPgRefreshTokenStore } from '../../store/oauth-token-store.js';
import { PAGES_PER_CHUNK } from '../../workflows/definitions.js';
import { spawnTs } from '../measure/child-process.js';
import { dropDatabase, recreateDatabase } from '../measure/pg-stats.js';
import { cpuTicks, parseMicroArgs, withDatabaseName } from './micro-setup.js';
import { tributaryBenchConfig } from '../systems/tributary-config.js';

const DATABASE = 'tributary_micro_fetch';
const PAGE = 250;

async function run(): Promise<void> {
  const args = parseMicroArgs(process.argv.slice(2), 300_000);
  const upstream = spawnTs(fileURLToPath(new URL('../workload/serve.ts', import.meta.url)));
  const { url: upstreamUrl } = await upstream.waitForJson<{ url: string }>((v) => typeof v['url'] === 'string');
  await fetch(`${upstreamUrl}/_control`, { method: 'POST', body: JSON.stringify({ total: args.records, generation: 0 }) });
  await recreateDatabase(args.url, DATABASE);
  const { db, pool } = connectDatabase(withDatabaseName(args.url, DATABASE), { applicationName: 'micro-fetch' });
  try {
    await migrateToLatest(db);
    const config = parseConfig(parseYaml(tributaryBenchConfig(upstreamUrl, PAGE)), 'bench');
    const masker = createSecretMasker();
    const deps = {
      db,
      copyPool: pool,
      config,
      http: createHttpClient({ masker }),
      secrets: createSecretResolver(masker),
      tokens: createTokenCache(),
      refreshTokens: createPgRefreshTokenStore(db),
      rateLimits: createRateLimiterRegistry(),
    };
    const streams = Object.entries(config.sources).flatMap(([source, s]) => Object.keys(s.streams).map((stream) => ({ source, stream })));
    for (const runId of ['micro/first', 'micro/rerun']) {
      const backends = async () => (await sql<{ pid: number }>`select pid from pg_stat_activity where datname = ${DATABASE}`.execute(db)).rows.map((r) => r.pid);
      const pgBefore = new Map((await backends()).map((pid) => [pid, cpuTicks(pid)]));
      const upBefore = cpuTicks(upstream.proc.pid!);
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      const counts = await Promise.all(
        streams.map(async (s) => {
          for (;;) {
            const progress = await fetchChunk(deps, { runId, ...s, maxPages: PAGES_PER_CHUNK });
            if (progress.done) return progress.records;
          }
        }),
      );
      const wallUs = Number(process.hrtime.bigint() - started) / 1000;
      const own = process.cpuUsage(cpu);
      // Backends the pool opened during the run started from zero.
      let pgTicks = 0;
      for (const pid of await backends()) pgTicks += cpuTicks(pid) - (pgBefore.get(pid) ?? 0);
      const upTicks = cpuTicks(upstream.proc.pid!) - upBefore;
      const total = counts.reduce((a, b) => a + b, 0);
      const per = (us: number) => (us / total).toFixed(1).padStart(5);
      console.log(
        `${runId.padEnd(12)} ${total} records: wall ${per(wallUs)} µs/record   this process CPU ${per(own.user + own.system)} (user ${per(own.user)})   Postgres CPU ${per(pgTicks * 10_000)}   upstream CPU ${per(upTicks * 10_000)}`,
      );
    }
  } finally {
    await db.destroy();
    // The database is made again by the next run; left behind it would only take space on a shared server.
    await dropDatabase(args.url, DATABASE);
    upstream.proc.kill('SIGTERM');
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
