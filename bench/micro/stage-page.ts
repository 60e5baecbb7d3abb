/**
 * Micro-benchmark of the fetch side's staging: stages N bench-like records (default 100k, the
 * bench's three sources) in pages of 250, grouped as the fetch activity groups them, into a fresh
 * database (dropped at the end), as a first load and again as a second run (a new run id over the
 * same data, like the bench's unchanged rerun), then reads each run back the way the merge does.
 * Prints µs per record of wall time, of the Postgres
 * backend's CPU time (from /proc, so Postgres must run on this machine) and of this process's CPU.
 *
 * ```sh
 * npx tsx bench/micro/stage-page.ts                       # system Postgres at 127.0.0.1:5432
 * DATABASE_URL=postgres://... npx tsx bench/micro/stage-page.ts --records 30000
 * ```
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { createDatabase } from '../../store/create-database.js';
import { migrateToLatest } from '../../store/migrate.js';
import { STAGE_GROUP_RECORDS } from '../../ingest/fetch-pages.js';
import { PAGES_PER_CHUNK } from '../../workflows/definitions.js';
import { type StagedPage, type StagedRecordInput, readStagedRecords, stagePages } from '../../store/staging/staging-store.js';
import { dropDatabase, recreateDatabase } from '../measure/pg-stats.js';
import { cpuTicks, parseMicroArgs, withDatabaseName } from './micro-setup.js';
import { SOURCES, recordOf, shapeOf } from '../workload/records.js';

const PAGE = 250;
// Pages per fetch activity (the `syncStream` workflow's default).
const CHUNK_PAGES = PAGES_PER_CHUNK;
const DATABASE = 'tributary_micro_stage';

/** One stream's pages, serialized and hashed as the fetch activity does. */
function pagesOf(records: number): Array<{ stream: string; pages: StagedRecordInput[][] }> {
  const shape = shapeOf(records);
  return SOURCES.map((source) => {
    const pages: StagedRecordInput[][] = [];
    for (let start = 0; start < shape[source].count; start += PAGE) {
      const page: StagedRecordInput[] = [];
      for (let i = start; i < Math.min(start + PAGE, shape[source].count); i++) {
        const record = recordOf(source, shape[source], i, 0);
        const payloadJson = JSON.stringify(record);
        const sourceKey = String(record['id'] ?? record['customer_id']);
        page.push({ sourceKey, payloadJson, hash: createHash('sha256').update(payloadJson).digest('hex').slice(0, 32) });
      }
      pages.push(page);
    }
    return { stream: source, pages };
  });
}

async function run(): Promise<void> {
  const args = parseMicroArgs(process.argv.slice(2), 100_000);
  await recreateDatabase(args.url, DATABASE);
  // One connection, so one backend does all the Postgres work and its CPU time is the measure.
  const db = createDatabase(withDatabaseName(args.url, DATABASE), { max: 1, applicationName: 'micro-stage' });
  try {
    await migrateToLatest(db);
    const backendPid = async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid;
    const prepared = Date.now();
    const streams = pagesOf(args.records);
    const total = streams.reduce((n, s) => n + s.pages.reduce((m, p) => m + p.length, 0), 0);
    console.log(`${total} records, ${PAGE} a page; serialize + hash: ${(((Date.now() - prepared) * 1000) / total).toFixed(1)} µs/record (incl. generation)`);

    const measure = async (label: string, work: () => Promise<void>) => {
      const pid = await backendPid();
      const ticks = cpuTicks(pid);
      const started = process.hrtime.bigint();
      const cpu = process.cpuUsage();
      await work();
      const wallUs = Number(process.hrtime.bigint() - started) / 1000;
      const nodeCpu = process.cpuUsage(cpu);
      const nodeUs = nodeCpu.user + nodeCpu.system;
      if ((await backendPid()) !== pid) throw new Error('the pool replaced its connection during the measurement');
      const pgUs = (cpuTicks(pid) - ticks) * 10_000;
      console.log(`${label.padEnd(22)} wall ${(wallUs / total).toFixed(1).padStart(6)} µs/record   Postgres CPU ${(pgUs / total).toFixed(1).padStart(6)}   Node CPU ${(nodeUs / total).toFixed(1).padStart(6)} µs/record`);
    };

    for (const runId of ['micro/first', 'micro/second']) {
      await measure(`stage ${runId}`, async () => {
        // Pages of the three streams interleave, as their concurrent fetches do; each fetch stages
        // its pages a group of about STAGE_GROUP_RECORDS records at a time.
        const groups = streams.map((s) => {
          const out: StagedPage[][] = [];
          let group: StagedPage[] = [];
          let records = 0;
          s.pages.forEach((page, p) => {
            const done = p === s.pages.length - 1;
            const checkpoint = { pages: p + 1, records: 0, state: done ? null : { cursor: String(p + 1) }, done, reportedTotal: null, paginationType: 'cursor' };
            // As the fetch activity does: only a chunk's last page waits for its WAL flush.
            const lastOfChunk = done || (p + 1) % CHUNK_PAGES === 0;
            group.push({ seq: p + 1, records: page, fetchedAt: new Date(), checkpoint, lazyCommit: !lastOfChunk });
            records += page.length;
            if (lastOfChunk || records >= STAGE_GROUP_RECORDS) {
              out.push(group);
              group = [];
              records = 0;
            }
          });
          return { stream: s.stream, groups: out };
        });
        const longest = Math.max(...groups.map((s) => s.groups.length));
        for (let g = 0; g < longest; g++) {
          for (const s of groups) {
            const pages = s.groups[g];
            if (pages) await stagePages(db, { runId, source: s.stream, stream: 'records' }, pages);
          }
        }
      });
      await measure(`read ${runId}`, async () => {
        let n = 0;
        for (const s of streams) {
          for await (const batch of readStagedRecords(db, { runId, source: s.stream, stream: 'records' })) n += batch.length;
        }
        if (n !== total) throw new Error(`read ${n} records back, staged ${total}`);
      });
    }
    const size = (await sql<{ table: string; indexes: string }>`
      select pg_size_pretty(pg_table_size('tributary.staged_record')) as table, pg_size_pretty(pg_indexes_size('tributary.staged_record')) as indexes`.execute(db)).rows[0]!;
    console.log(`staged_record after both runs: table ${size.table}, indexes ${size.indexes}`);
  } finally {
    await db.destroy();
    // The database is made again by the next run; left behind it would only take space on a shared server.
    await dropDatabase(args.url, DATABASE);
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
