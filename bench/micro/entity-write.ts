/**
 * Micro-benchmark of the merge's entity write phase (`writeAffectedEntities`) on the bench
 * workload: stages N bench records (default 50k) of the three bench sources into a fresh
 * database, then per repetition, in one transaction that is rolled back afterwards, merges the
 * streams into contributions (untimed) and times the write of every affected `person` as on a
 * first load. With `--rewrite` it also times a second write over the same, now stored, rows
 * (every entity affected, every hash unchanged: the guard skips all writes).
 *
 * Prints wall time, the worker's CPU time (Node) and the Postgres backend's CPU time (from
 * `/proc/<pid>/stat`, so the server must run on this machine), and µs per entity. `--cpu-prof
 * <file>` writes a V8 CPU profile of the first repetition's write; `--batch <n>` sets the write's batch size; `--explain` prints the plans
 * of the write's statements (auto_explain, so on a first load: tables never analyzed).
 *
 * ```sh
 * DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/micro/entity-write.ts --records 50000 --reps 3
 * ```
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { PerformanceObserver } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../config/load-config.js';
import { contentHash } from '../../core/stable-json.js';
import { createAffectedTable } from '../../merge/contributions/contribution-store.js';
import { ensureEntityTable } from '../../merge/write/entity-table.js';
import { writeAffectedEntities } from '../../merge/write/entity-writer.js';
import { mergeStream } from '../../merge/contributions/merge-stream.js';
// Registers the type parsers the worker uses (bigint as number, numeric as text).
import '../../store/create-database.js';
import type { Database } from '../../store/database-schema.js';
import { migrateToLatest } from '../../store/migrate.js';
import { freshMicroDatabase } from './micro-setup.js';
import { tributaryBenchConfig } from '../systems/tributary-config.js';
import { SOURCES, recordOf, shapeOf } from '../workload/records.js';

const STREAMS = { crm: 'contacts', billing: 'customers', support: 'customers' } as const;
const KEYS = { crm: 'id', billing: 'customer_id', support: 'id' } as const;
const RUN = 'micro-run';

/** Rolls the measured transaction back, so every repetition starts from the same state. */
class Rollback extends Error {}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { records: { type: 'string', default: '50000' }, reps: { type: 'string', default: '3' }, rewrite: { type: 'boolean', default: false }, 'cpu-prof': { type: 'string' }, explain: { type: 'boolean', default: false }, batch: { type: 'string' } } });
  const batchSize = args.batch === undefined ? {} : { batchSize: Number(args.batch) };
  const total = Number(args.records);
  const config = parseConfig(parseYaml(tributaryBenchConfig('http://127.0.0.1:1', 250)), 'bench', {});
  const entity = config.entities['person']!;
  const database = await freshMicroDatabase('tributary_micro_entity_write');
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  // With --explain, the plans auto_explain sends as notices for the write's statements are printed.
  pool.on('connect', (client) => client.on('notice', (n) => args.explain && console.log(n.message)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db);
    await ensureEntityTable(db, 'person', entity);
    await stage(db, total);
    for (let rep = 1; rep <= Number(args.reps); rep++) {
      await db
        .transaction()
        .execute(async (trx) => {
          await createAffectedTable(trx);
          // A fixed clock, so the rows written (and their checksum) are the same on every run and commit.
          const now = new Date('2026-01-02T00:00:00Z');
          for (const ref of Object.keys(entity.sources)) {
            await mergeStream({ trx, name: 'person', entity, ref, mapping: entity.sources[ref]!, runId: RUN, stagedRunId: RUN, now, children: [] });
          }
          // As the prepare step lists them for the partitions.
          await sql`insert into tributary.merge_affected_key (run_id, entity, entity_key) select ${RUN}, entity, entity_key from merge_affected`.execute(trx);
          if (args.explain) await sql`select set_config('auto_explain.log_min_duration', '0', true), set_config('auto_explain.log_analyze', 'on', true), set_config('auto_explain.log_level', 'notice', true)`.execute(trx);
          if (args.explain) await sql`load 'auto_explain'`.execute(trx);
          const profiler = args['cpu-prof'] !== undefined && rep === 1 ? await startProfile() : undefined;
          const first = await measure(trx, () => writeAffectedEntities(trx, 'person', entity, { runId: RUN, now, ...batchSize }));
          if (profiler) await profiler.stop(args['cpu-prof']!);
          if (args.explain) await sql`select set_config('auto_explain.log_min_duration', '-1', true)`.execute(trx);
          report(`rep ${rep} first write`, first);
          const checksum = (await sql<{ md5: string }>`select md5(string_agg(p::text, '|' order by _key)) as md5 from unified.person p`.execute(trx)).rows[0]!.md5;
          console.log(`rep ${rep} rows checksum ${checksum}`);
          if (args.rewrite) {
            await sql`insert into tributary.merge_affected_key (run_id, entity, entity_key) select ${RUN}, 'person', _key from unified.person on conflict do nothing`.execute(trx);
            report(`rep ${rep} unchanged rewrite`, await measure(trx, () => writeAffectedEntities(trx, 'person', entity, { runId: RUN, now, ...batchSize })));
          }
          throw new Rollback();
        })
        .catch((err: unknown) => {
          if (!(err instanceof Rollback)) throw err;
        });
      // The rolled-back rows are dead tuples in the tables and indexes: clear them so every repetition starts alike.
      await sql`vacuum tributary.source_record, tributary.identity_link, tributary.entity_seen, unified.person`.execute(db);
    }
  } finally {
    await db.destroy();
    await database.drop();
  }
}

/** Stages the bench's records of every source, committed, as the fetch would. */
async function stage(db: Kysely<Database>, total: number): Promise<void> {
  const shape = shapeOf(total);
  const fetchedAt = new Date('2026-01-01T00:00:00Z');
  for (const source of SOURCES) {
    // Staged records are keyed by their stream fetch's checkpoint.
    const checkpoint = { run_id: RUN, source, stream: STREAMS[source], pages: 0, records: shape[source].count, state: null, done: true, reported_total: null, pagination_type: 'cursor', updated_at: fetchedAt };
    const { stream_id } = await db.insertInto('tributary.fetch_checkpoint').values(checkpoint).returning('stream_id').executeTakeFirstOrThrow();
    for (let from = 0; from < shape[source].count; from += 2000) {
      const rows = [];
      for (let i = from; i < Math.min(from + 2000, shape[source].count); i++) {
        const r = recordOf(source, shape[source], i, 0);
        rows.push({ stream_id, page_seq: 1 + Math.floor(i / 250), source_key: String(r[KEYS[source]]), payload: JSON.stringify(r), hash: contentHash(r), fetched_at: fetchedAt });
      }
      await db.insertInto('tributary.staged_record').values(rows).execute();
    }
  }
  await sql`analyze tributary.staged_record`.execute(db);
}

/** A V8 CPU profile of this process over the first timed write (for `bench/report/cpu-profile-top.ts`). */
async function startProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

interface Measured {
  readonly entities: number;
  readonly wallMs: number;
  readonly nodeCpuMs: number;
  readonly pgCpuMs: number;
  readonly gcMs: number;
}

/** Runs `write`, measuring wall time, this process's CPU time and the Postgres backend's CPU time. */
async function measure(trx: Kysely<Database>, write: () => Promise<{ written: number; unchanged: number; deleted: number }>): Promise<Measured> {
  const pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)).rows[0]!.pid;
  const pg0 = backendCpuMs(pid);
  let gcMs = 0;
  const gcKinds: Record<string, number> = {};
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      const kind = String(((e as PerformanceEntry & { detail?: { kind?: number } }).detail)?.kind);
      gcKinds[kind] = (gcKinds[kind] ?? 0) + e.duration;
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const counts = await write();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const pgCpuMs = backendCpuMs(pid) - pg0;
  // GC entries are delivered asynchronously.
  await new Promise((resolve) => setImmediate(resolve));
  gc.disconnect();
  if (process.env['GC_KINDS']) console.log('gc by kind (1 minor, 2 major, 4 incremental, 8 weak callbacks)', gcKinds);
  return { gcMs, entities: counts.written + counts.unchanged + counts.deleted, wallMs, nodeCpuMs: (cpu.user + cpu.system) / 1000, pgCpuMs };
}

/** User + system CPU of a process on this machine, in ms (clock ticks of 10 ms). */
function backendCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function report(label: string, m: Measured): void {
  const per = (ms: number) => ((ms * 1000) / Math.max(m.entities, 1)).toFixed(1);
  console.log(
    `${label}: ${m.entities} entities, wall ${m.wallMs.toFixed(0)} ms (${per(m.wallMs)} µs/entity), ` +
      `node cpu ${m.nodeCpuMs.toFixed(0)} ms (${per(m.nodeCpuMs)} µs), postgres cpu ${m.pgCpuMs.toFixed(0)} ms (${per(m.pgCpuMs)} µs), gc ${m.gcMs.toFixed(0)} ms`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
