/**
 * Compares ways of shipping a batch of merged entities to Postgres for the entity upsert, on
 * real `person` rows of the bench workload: one `jsonb_to_recordset` document (what the writer
 * did first), one JSON object per line parsed line by line (what it does now), one
 * `json_to_recordset` document, unnest of array literals, and `COPY` into a temp table followed
 * by `insert ... select ... on conflict` (needs the transaction's own pg client). Times Postgres backend CPU per entity for a first load
 * (empty table) and for a rewrite where every hash changed.
 *
 * ```sh
 * DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/micro/upsert-encoding.ts --records 50000
 * ```
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { parse as parseYaml } from 'yaml';
import { parseConfig } from '../../config/load-config.js';
import { contentHash } from '../../core/stable-json.js';
import type { Contribution } from '../../merge/resolve/contribution.js';
import { ensureEntityTable } from '../../merge/write/entity-table.js';
import { compileRecordMapper } from '../../merge/map/map-record.js';
import { type ResolvedEntity, resolveEntity } from '../../merge/resolve/resolve-entity.js';
import { createDatabase } from '../../store/create-database.js';
import { migrateToLatest } from '../../store/migrate.js';
import { freshMicroDatabase } from './micro-setup.js';
import { tributaryBenchConfig } from '../systems/tributary-config.js';
import { SOURCES, recordOf, shapeOf } from '../workload/records.js';

const STREAMS = { crm: 'contacts', billing: 'customers', support: 'customers' } as const;
const KEYS = { crm: 'id', billing: 'customer_id', support: 'id' } as const;

type Variant = (client: pg.PoolClient, rows: readonly ResolvedEntity[], now: Date) => Promise<void>;

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { records: { type: 'string', default: '50000' }, batch: { type: 'string', default: '1000,5000' } } });
  const config = parseConfig(parseYaml(tributaryBenchConfig('http://127.0.0.1:1', 250)), 'bench', {});
  const entity = config.entities['person']!;
  const entities = resolvedPeople(entity, Number(args.records));
  const fields = Object.keys(entity.fields);
  const types: Record<string, string> = { string: 'text', integer: 'bigint', decimal: 'numeric', timestamp: 'timestamptz' };
  const colType = (f: string) => `${types[entity.fields[f]!.type]}${entity.fields[f]!.array ? '[]' : ''}`;
  const recordColumns = [`_key text`, ...fields.map((f) => `${f} ${colType(f)}`), '_provenance jsonb', '_sources text[]', '_hash text', '_deleted_by jsonb'].join(', ');
  const insertColumns = ['_key', ...fields, '_provenance', '_sources', '_hash', '_deleted_by', '_first_seen', '_last_changed', '_last_run_id'].join(', ');
  const updates = [...fields, '_provenance', '_sources', '_hash', '_deleted_by', '_last_changed', '_last_run_id'].map((c) => `${c} = excluded.${c}`).join(', ');
  const tail = `on conflict (_key) do update set ${updates}, _deleted_at = null, _merged_into = null where t._hash is distinct from excluded._hash or t._deleted_at is not null`;
  const select = `r._key, ${fields.map((f) => `r.${f}`).join(', ')}, r._provenance, r._sources, r._hash, r._deleted_by, $2::timestamptz, $2::timestamptz, 'run'`;
  const jsonRows = (rows: readonly ResolvedEntity[]) => JSON.stringify(rows.map((r) => ({ _key: r.key, ...r.values, _provenance: r.provenance, _sources: r.sources, _hash: r.hash, _deleted_by: null })));

  const variants: Record<string, Variant> = {
    jsonb_to_recordset: async (client, rows, now) => {
      await client.query(`insert into unified.person as t (${insertColumns}) select ${select} from jsonb_to_recordset($1::jsonb) as r(${recordColumns}) ${tail}`, [jsonRows(rows), now]);
    },
    json_lines: async (client, rows, now) => {
      const lines = rows.map((r) => JSON.stringify({ _key: r.key, ...r.values, _provenance: r.provenance, _sources: r.sources, _hash: r.hash, _deleted_by: null })).join('\n');
      await client.query(`insert into unified.person as t (${insertColumns}) select ${select} from unnest(string_to_array($1::text, E'\\n')) as l(line), jsonb_to_record(l.line::jsonb) as r(${recordColumns}) ${tail}`, [lines, now]);
    },
    json_to_recordset: async (client, rows, now) => {
      await client.query(`insert into unified.person as t (${insertColumns}) select ${select} from json_to_recordset($1::json) as r(${recordColumns}) ${tail}`, [jsonRows(rows), now]);
    },
    unnest_array_literals: async (client, rows, now) => {
      const columns = [
        arrayParam(rows.map((r) => r.key)),
        ...fields.map((f) => arrayParam(rows.map((r) => copyValue(r.values[f])))),
        arrayParam(rows.map((r) => JSON.stringify(r.provenance))),
        arrayParam(rows.map((r) => arrayLiteral(r.sources))),
        arrayParam(rows.map((r) => r.hash)),
      ];
      const casts = ['text', ...fields.map((f) => (entity.fields[f]!.array ? 'text' : colType(f))), 'jsonb', 'text', 'text'];
      const names = ['_key', ...fields, '_provenance', '_sources', '_hash'];
      const selectList = names.map((n, i) => (i > 0 && i <= fields.length && entity.fields[n]!.array ? `r.${n}::${colType(n)}` : n === '_sources' ? 'r._sources::text[]' : `r.${n}`));
      await client.query(
        `insert into unified.person as t (${insertColumns}) select ${selectList.join(', ')}, null::jsonb, $${columns.length + 1}::timestamptz, $${columns.length + 1}::timestamptz, 'run'
         from unnest(${casts.map((c, i) => `$${i + 1}::${c}[]`).join(', ')}) as r(${names.join(', ')}) ${tail}`,
        [...columns, now],
      );
    },
    copy_temp_table: async (client, rows, now) => {
      await client.query(`create temp table if not exists person_batch (${recordColumns}) on commit drop`);
      await client.query('truncate person_batch');
      await new Promise<void>((resolve, reject) => {
        const stream = client.query(copyFrom('copy person_batch from stdin'));
        stream.on('finish', resolve).on('error', reject);
        const lines = rows.map((r) =>
          [r.key, ...fields.map((f) => copyValue(r.values[f])), JSON.stringify(r.provenance), arrayLiteral(r.sources), r.hash, null].map((v) => (v === null ? '\\N' : escapeCopy(v))).join('\t'),
        );
        stream.end(`${lines.join('\n')}\n`);
      });
      await client.query(`insert into unified.person as t (${insertColumns}) select ${select.replace('$2', '$1').replace('$2', '$1')} from person_batch r ${tail}`, [now]);
    },
  };

  const database = await freshMicroDatabase('tributary_micro_upsert_encoding');
  const db = createDatabase(database.url, { max: 1 });
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  try {
    await migrateToLatest(db);
    await ensureEntityTable(db, 'person', entity);
    await db.destroy();
    for (const batchSize of args.batch.split(',').map(Number)) {
      for (const [name, run] of Object.entries(variants)) {
        for (const phase of ['first load', 'all changed'] as const) {
          const all = async (client: pg.PoolClient, list: readonly ResolvedEntity[], now: Date) => {
            for (let i = 0; i < list.length; i += batchSize) await run(client, list.slice(i, i + batchSize), now);
          };
          const measured = await timed(pool, async (client) => {
            const now = new Date();
            if (phase === 'first load') return () => all(client, entities, now);
            await all(client, entities, now);
            const changed = entities.map((e) => ({ ...e, hash: `${e.hash}x` }));
            return () => all(client, changed, now);
          });
          const per = (ms: number) => ((ms * 1000) / entities.length).toFixed(1);
          console.log(`${name.padEnd(20)} batch ${String(batchSize).padStart(5)} ${phase.padEnd(11)}: wall ${per(measured.wallMs)} µs/entity, postgres cpu ${per(measured.pgCpuMs)} µs, node cpu ${per(measured.nodeCpuMs)} µs`);
        }
      }
    }
  } finally {
    await pool.end();
    await database.drop();
  }
}

/** Runs `prepare` then times the function it returns, in a transaction that is rolled back. */
async function timed(pool: pg.Pool, prepare: (client: pg.PoolClient) => Promise<() => Promise<void>>): Promise<{ wallMs: number; pgCpuMs: number; nodeCpuMs: number }> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const work = await prepare(client);
    const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const pg0 = backendCpuMs(pid);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await work();
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const pgCpuMs = backendCpuMs(pid) - pg0;
    await client.query('rollback');
    return { wallMs, pgCpuMs, nodeCpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    client.release();
  }
}

function copyValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return arrayLiteral(v as string[]);
  return String(v);
}

function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((s) => `"${s.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** A Postgres array literal of text elements (null as NULL), for a `$n::type[]` parameter. */
function arrayParam(items: ReadonlyArray<string | null>): string {
  return `{${items.map((s) => (s === null ? 'NULL' : `"${s.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}

function escapeCopy(s: string): string {
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** The bench's people, merged with the writer's own code (identity by e-mail, as on a first load). */
function resolvedPeople(entity: ReturnType<typeof parseConfig>['entities'][string], total: number): ResolvedEntity[] {
  const shape = shapeOf(total);
  const byKey = new Map<string, Contribution[]>();
  const fetchedAt = Date.parse('2026-01-01T00:00:00Z');
  for (const source of SOURCES) {
    const ref = `${source}.${STREAMS[source]}`;
    const map = compileRecordMapper(entity, entity.sources[ref]!);
    for (let i = 0; i < shape[source].count; i++) {
      const r = recordOf(source, shape[source], i, 0);
      const m = map(r);
      if (!m.ok) continue;
      const key = contentHash(['person', 'email', m.values['email']]);
      const list = byKey.get(key) ?? [];
      list.push({ source, stream: STREAMS[source], sourceKey: String(r[KEYS[source]]), values: m.values, updatedAt: m.updatedAt, fetchedAt });
      byKey.set(key, list);
    }
  }
  return [...byKey].map(([key, cs]) => resolveEntity(key, entity, cs));
}

/** User + system CPU of a process on this machine, in ms. */
function backendCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
